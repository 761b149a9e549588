#include "analyze/parse/lexing_settings.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/parse/set_config.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {
namespace {

// ASCII lower case, inline: the C locale's tolower (pgfence sets no other), without a call per
// byte (lexing_change reads every statement's whole text).
char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

// Whether lower(s) holds `word` (lower case) at `at`.
bool lowered_at(std::string_view s, std::size_t at, std::string_view word) {
    if (at > s.size() || s.size() - at < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (lower_ascii(s[at + i]) != word[i]) return false;
    }
    return true;
}

// The words lexing_change looks for in a statement's text, as lower(text) would show them, found
// from the '_' or '&' each has (memchr jumps to those; lowering a copy of every statement and
// searching it cost more): a word is counted at the first of its '_', once per place it is.
struct Words {
    bool conforming = false;  // standard_conforming_strings
    bool encoding = false;    // client_encoding
    bool settings = false;    // pg_settings
    bool unicode = false;     // u&"
    std::size_t set_config = 0;
};
Words words_in(std::string_view s) {
    Words out;
    for (std::size_t at = s.find('_'); at != std::string_view::npos; at = s.find('_', at + 1)) {
        out.conforming = out.conforming || (at >= 8 && lowered_at(s, at - 8, "standard_conforming_strings"));
        out.encoding = out.encoding || (at >= 6 && lowered_at(s, at - 6, "client_encoding"));
        out.settings = out.settings || (at >= 2 && lowered_at(s, at - 2, "pg_settings"));
        if (at >= 3 && lowered_at(s, at - 3, "set_config")) ++out.set_config;
    }
    for (std::size_t at = s.find('&'); at != std::string_view::npos && !out.unicode; at = s.find('&', at + 1)) {
        out.unicode = at >= 1 && lowered_at(s, at - 1, "u&\"");
    }
    return out;
}

// A boolean setting's "on", as parse_bool reads it (utils/adt/bool.c: a prefix of true or yes, on, 1).
bool reads_on(std::string_view v) {
    if (v.empty()) return false;
    return std::string_view("true").starts_with(v) || std::string_view("yes").starts_with(v) || v == "on" || v == "1";
}

// The encodings the server reads as UTF8 (pg_char_to_encoding ignores case and punctuation).
bool reads_utf8(std::string v) {
    std::erase_if(v, [](unsigned char c) { return !std::isalnum(c); });
    return v == "utf8" || v == "unicode";
}

std::string first_value(const VariableSetStmt* set) {
    for (const pg::Node* arg : pg::each(set->args)) {
        if (const A_Const* c = pg::as<A_Const>(arg); c != nullptr && !c->isnull) {
            if (c->val.node.type == T_String) return lower(pg::text(c->val.sval.sval));
            if (c->val.node.type == T_Integer) return std::to_string(c->val.ival.ival);
            if (c->val.node.type == T_Float) return std::string(pg::text(c->val.fval.fval));
        }
        break;
    }
    return {};
}

bool lexing_setting(std::string_view name) {
    const std::string n = lower(name);
    return n == "standard_conforming_strings" || n == "client_encoding";
}

// The set_config() calls of a statement's tree (utils/misc/guc.c set_config_by_name: the name is
// its first argument, setting_name by name), whatever schema qualifies them.
struct SetConfigCalls {
    int constant = 0;           // with a constant name
    bool computed = false;      // one whose name is not a constant
    std::string lexing;         // a constant name that is a lexing setting (U&'...' or E'...' spelled)
};

void scan_set_config(const pg::Node* node, SetConfigCalls& out) {
    for (const FuncCall* call : set_config_calls(node)) {
        const A_Const* c = set_config_argument(call, 0, "setting_name");
        if (c != nullptr && !c->isnull && c->val.node.type == T_String) {
            ++out.constant;
            if (lexing_setting(pg::text(c->val.sval.sval))) out.lexing = lower(pg::text(c->val.sval.sval));
        } else {
            out.computed = true;
        }
    }
}

// Is each "set_config" of the (lower-cased) text followed by a quoted constant name and a comma:
// set_config('name', ...), or set_config(''name'', ...) inside a quoted body?
bool every_set_config_constant(std::string_view text) {
    constexpr std::string_view word = "set_config";
    for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
        std::size_t i = at + word.size();
        const auto blanks = [&] {
            while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        };
        if (i < text.size() && text[i] == '"') ++i;
        blanks();
        if (i >= text.size() || text[i] != '(') return false;
        ++i;
        blanks();
        std::size_t quotes = 0;
        while (i < text.size() && text[i] == '\'') ++quotes, ++i;
        std::size_t name = i;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '.')) ++i;
        if (quotes == 0 || i == name) return false;
        for (std::size_t q = 0; q < quotes; ++q, ++i) {
            if (i >= text.size() || text[i] != '\'') return false;
        }
        blanks();
        if (text.substr(i, 2) == "::") {
            i += 2;
            while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
            blanks();
        }
        if (i >= text.size() || text[i] != ',') return false;
    }
    return true;
}

}  // namespace

std::string may_set_lasting(const pg::Node* stmt, std::string_view sql) {
    const bool body = pg::is<DoStmt>(stmt) || pg::is<CreateFunctionStmt>(stmt);
    const bool catalog_write = !pg::is<SelectStmt>(stmt) && !pg::is<VariableShowStmt>(stmt);
    if (!body && !catalog_write) return {};
    // Only statements that can name these: a cheap look before the text is lowered.
    auto has = [&](std::string_view word) {
        return std::search(sql.begin(), sql.end(), word.begin(), word.end(),
                           [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }) != sql.end();
    };
    if (catalog_write && has("pg_db_role_setting")) return "a statement that writes pg_db_role_setting (the defaults of roles and databases)";
    if (!body) return {};
    if (has("execute") || (has("alter") && (has("database") || has("role") || has("system"))) || has("conforming") || has("encoding") ||
        has("set_config") || has("u&\"")) {
        return std::string(pg::is<DoStmt>(stmt) ? "a DO block" : "a routine") +
               " that may set a role's or database's default of standard_conforming_strings or client_encoding (pgfence does not follow it)";
    }
    return {};
}

bool reads_differently(std::string_view sql) {
    bool backslash = false;
    bool high = false;
    Tokenizer tokens(sql);
    Token t;
    while (tokens.next(t)) {
        if (t.is_comment()) continue;
        const std::string_view text = sql.substr(t.begin, t.end - t.begin);
        const bool has_backslash = text.find('\\') != std::string_view::npos;
        if (has_backslash && t.kind == TokenKind::String && text[0] != 'e' && text[0] != 'E') return true;
        if (has_backslash && t.kind == TokenKind::DollarString) return true;
        backslash = backslash || has_backslash;
        high = high || std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        if (backslash && high) return true;
    }
    return false;
}

namespace {

// The SET or RESET an ALTER DATABASE / ROLE / SYSTEM makes the default of later sessions, and
// whose default it is ("" for any other statement).
const VariableSetStmt* lasting_set(const pg::Node* stmt, std::string& who, std::string& written) {
    if (const auto* db = pg::as<AlterDatabaseSetStmt>(stmt)) {
        who = "database " + std::string(pg::text(db->dbname));
        written = "ALTER DATABASE " + std::string(pg::text(db->dbname));
        return db->setstmt;
    }
    if (const auto* role = pg::as<AlterRoleSetStmt>(stmt)) {
        const std::string name = role->role == nullptr                        ? std::string("ALL")
                                 : role->role->roletype == ROLESPEC_CSTRING ? std::string(pg::text(role->role->rolename))
                                                                            : std::string("CURRENT_USER");
        who = "role " + name;
        written = "ALTER ROLE " + name;
        if (role->database != nullptr) {
            who += " in database " + std::string(pg::text(role->database));
            written += " IN DATABASE " + std::string(pg::text(role->database));
        }
        return role->setstmt;
    }
    if (const auto* sys = pg::as<AlterSystemStmt>(stmt)) {
        who = "the server";
        written = "ALTER SYSTEM";
        return sys->setstmt;
    }
    return nullptr;
}

}  // namespace

LexingChange lexing_change(const pg::Node* stmt, std::string_view sql) {
    LexingChange out;
    if (pg::as<VariableShowStmt>(stmt) != nullptr) return out;
    std::string who, shown;
    if (const VariableSetStmt* set = lasting_set(stmt, who, shown); set != nullptr) {
        // Read as the SET it makes the default; the statements after it in this file are taken
        // to read it too (a pool may hand them a new connection).
        LexingChange inner = lexing_change(reinterpret_cast<const pg::Node*>(set), {});
        if (!inner.changes && !inner.restores) return out;
        // CURRENT_USER, SESSION_USER, CURRENT_ROLE name whoever runs it (SET ROLE changes that):
        // its RESET is not known to end the default an earlier one set (red team R73 F3).
        const auto* role = pg::as<AlterRoleSetStmt>(stmt);
        if (inner.restores && role != nullptr && role->role != nullptr && role->role->roletype != ROLESPEC_CSTRING) return out;
        inner.lasting = who;
        if (inner.changes) inner.what = shown + " " + inner.what;  // "ALTER DATABASE app SET standard_conforming_strings = off"
        return inner;
    }
    if (const VariableSetStmt* set = pg::as<VariableSetStmt>(stmt)) {
        const std::string name = lower(pg::text(set->name));
        if (set->kind == VAR_RESET_ALL) {
            out.restores = true;
            out.to_default = true;
            return out;
        }
        if (name != "standard_conforming_strings" && name != "client_encoding") return out;
        out.setting = name;
        if (set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT) {
            out.restores = true;  // the server's default: on, and the connection's encoding
            out.to_default = true;  // unless a role's or database's default says otherwise
            return out;
        }
        const std::string value = first_value(set);
        out.restores = name == "client_encoding" ? reads_utf8(value) : reads_on(value);
        out.changes = !out.restores;
        out.what = "SET " + name + " = " + (value.empty() ? "?" : value.substr(0, 40));
        return out;
    }
    const Words words = words_in(sql);  // as the lowered text shows them
    for (std::string_view name : {"standard_conforming_strings", "client_encoding"}) {
        if (name == "standard_conforming_strings" ? words.conforming : words.encoding) {
            out.changes = true;
            out.setting = name;
            out.what = "a statement that may change " + std::string(name) + " (pgfence does not follow it)";
            return out;
        }
    }
    SetConfigCalls calls;
    scan_set_config(stmt, calls);
    if (!calls.lexing.empty()) {
        out.changes = true;
        out.setting = calls.lexing;
        out.what = "set_config of " + calls.lexing + " (pgfence does not follow it)";
        return out;
    }
    const std::size_t written = words.set_config;
    const bool uncounted = written > static_cast<std::size_t>(calls.constant) && !every_set_config_constant(lower(sql));
    if (calls.computed || uncounted) {
        out.maybe = true;
        out.unnamed_setting = true;
        out.what = "set_config of a setting whose name pgfence cannot fold (standard_conforming_strings or client_encoding, maybe)";
        return out;
    }
    const bool body = pg::is<DoStmt>(stmt) || pg::is<CreateFunctionStmt>(stmt);
    if (words.settings && !pg::is<SelectStmt>(stmt)) {
        out.maybe = true;
        out.unnamed_setting = true;
        out.what = "a statement that names pg_settings (an UPDATE of it sets any setting)";
    } else if (body && words.unicode) {
        out.maybe = true;
        out.what = "a body with a Unicode-escaped name (U&\"...\"), which may name set_config";
    }
    return out;
}

}  // namespace pgfence::analyze
