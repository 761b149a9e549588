#include "capture/bookkeeping.hpp"

#include <cctype>

namespace pgfence::capture {
namespace {

struct Token {
    enum class Kind { word, string, param, punct } kind = Kind::punct;
    std::string text;  // words lower-cased unless quoted; strings unescaped; params their number
};

// The few tokens the bookkeeping shapes need: identifiers, '' strings, $n, punctuation. Linear;
// comments and anything else are skipped or kept as punctuation.
std::vector<Token> tokens(std::string_view s, std::size_t limit) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < s.size() && out.size() < limit) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
            while (i < s.size() && s[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            std::size_t end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
        } else if ((c == 'e' || c == 'E') && i + 1 < s.size() && s[i + 1] == '\'' &&
                   (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_'))) {
            // An escape string (E'...'): a backslash escapes the next character (psycopg2 writes
            // its literals so when standard_conforming_strings is off). Simple escapes only;
            // octal, hex and Unicode escapes keep their text, which no bookkeeping value holds.
            Token t{Token::Kind::string, ""};
            for (i += 2; i < s.size(); ++i) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    t.text += s[++i];
                    continue;
                }
                if (s[i] == '\'') {
                    if (i + 1 < s.size() && s[i + 1] == '\'') {
                        t.text += '\'';
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                t.text += s[i];
            }
            out.push_back(std::move(t));
        } else if (c == '\'' || c == '"') {
            Token t{c == '\'' ? Token::Kind::string : Token::Kind::word, ""};
            for (++i; i < s.size(); ++i) {
                if (s[i] == c) {
                    if (i + 1 < s.size() && s[i + 1] == c) {
                        t.text += c;
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                t.text += s[i];
            }
            out.push_back(std::move(t));
        } else if (c == '$' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
            Token t{Token::Kind::param, ""};
            for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && t.text.size() < 6; ++i) t.text += s[i];
            out.push_back(std::move(t));
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
            Token t{Token::Kind::word, ""};
            for (; i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '$'); ++i) {
                t.text += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
            }
            out.push_back(std::move(t));
        } else {
            out.push_back({Token::Kind::punct, std::string(1, c)});
            ++i;
        }
    }
    return out;
}

constexpr std::string_view k_tables[] = {"schema_migrations", "ar_internal_metadata", "django_migrations",
                                         "alembic_version",   "knex_migrations",      "knex_migrations_lock"};

bool tool_table(std::string_view name) {
    for (auto table : k_tables) {
        if (name == table) return true;
    }
    return false;
}

bool word(const std::vector<Token>& t, std::size_t at, std::string_view w) {
    return at < t.size() && t[at].kind == Token::Kind::word && t[at].text == w;
}
bool punct(const std::vector<Token>& t, std::size_t at, char p) {
    return at < t.size() && t[at].kind == Token::Kind::punct && t[at].text.size() == 1 && t[at].text[0] == p;
}

// [schema.]table at `at`: the table's name, and `at` moved past it.
std::string table_at(const std::vector<Token>& t, std::size_t& at) {
    if (at >= t.size() || t[at].kind != Token::Kind::word) return {};
    std::string name = t[at++].text;
    if (punct(t, at, '.') && at + 1 < t.size() && t[at + 1].kind == Token::Kind::word) {
        name = t[at + 1].text;
        at += 2;
    }
    return name;
}

// A value: a string literal, or a parameter's text value (a cast after it is skipped by the caller).
std::optional<std::string> value_at(const std::vector<Token>& t, std::size_t at, const Event& e) {
    if (at >= t.size()) return std::nullopt;
    if (t[at].kind == Token::Kind::string) return t[at].text;
    if (t[at].kind == Token::Kind::param) {
        std::size_t n = std::stoul(t[at].text);
        if (n == 0 || n > e.parameters.size() || !e.parameters[n - 1].value || e.parameters[n - 1].binary) return std::nullopt;
        return *e.parameters[n - 1].value;
    }
    if (t[at].kind == Token::Kind::word && !t[at].text.empty() && std::isdigit(static_cast<unsigned char>(t[at].text[0]))) return t[at].text;
    return std::nullopt;
}

// Splits a parenthesised list starting after '(' at `at` into the first token of each item.
std::vector<std::size_t> items(const std::vector<Token>& t, std::size_t& at) {
    std::vector<std::size_t> starts{at};
    int depth = 0;
    for (; at < t.size(); ++at) {
        if (punct(t, at, '(')) ++depth;
        else if (punct(t, at, ')')) {
            if (depth-- == 0) {
                ++at;
                return starts;
            }
        } else if (punct(t, at, ',') && depth == 0) {
            starts.push_back(at + 1);
        }
    }
    return {};
}

}  // namespace

std::string_view tool_name(Tool tool) {
    switch (tool) {
        case Tool::rails: return "Rails";
        case Tool::django: return "Django";
        case Tool::alembic: return "Alembic";
        case Tool::knex: return "Knex";
    }
    return "";
}

bool names_tool_table(std::string_view sql) {
    for (const auto& t : tokens(sql, std::size_t(-1))) {
        if (t.kind == Token::Kind::word && tool_table(t.text)) return true;
    }
    return false;
}

bool is_bookkeeping(std::string_view sql) {
    // Only a statement of the shapes the tools send is theirs: one statement (nothing after a
    // ';'), starting with SELECT, INSERT, UPDATE, DELETE, CREATE TABLE or LOCK, whose every
    // relation is a tool's table, calling no function but count(), max() and now(), with no subquery
    // and no default or check expression. Anything else is the application's, even when it names
    // a tool's table (a trigger on django_migrations, a CTE called alembic_version, a DROP of
    // ar_internal_metadata beside the application's table): it is analysed.
    const std::size_t limit = 4096;
    const auto t = tokens(sql, limit + 1);
    if (t.empty() || t.size() > limit) return false;
    std::size_t end = t.size();
    while (end > 0 && punct(t, end - 1, ';')) --end;
    const bool create = word(t, 0, "create") && word(t, 1, "table");
    if (!(create || word(t, 0, "select") || word(t, 0, "insert") || word(t, 0, "update") || word(t, 0, "delete") ||
          word(t, 0, "lock"))) {
        return false;
    }
    bool named = false;
    // Inside a list of relations (after FROM, JOIN, USING, INTO, UPDATE, TABLE or LOCK, before the
    // next clause), at no parenthesis: a ',' there names one more relation (`LOCK
    // django_migrations, shop_order`, `FROM schema_migrations s, users`), which is the application's.
    bool in_relations = false;
    int depth = 0;
    for (std::size_t i = 0; i < end; ++i) {
        if (punct(t, i, ';')) return false;  // a second statement
        if (punct(t, i, '(')) ++depth;
        if (punct(t, i, ')')) --depth;
        if (in_relations && depth == 0 && punct(t, i, ',')) return false;
        if (t[i].kind == Token::Kind::word && depth == 0) {
            static constexpr std::string_view k_clauses[] = {"where", "order", "group", "limit", "offset", "set", "values", "for",
                                                             "returning", "on", "in", "nowait", "having", "window", "fetch"};
            for (auto c : k_clauses) in_relations = in_relations && t[i].text != c;
        }
        if (t[i].kind != Token::Kind::word) {
            if (punct(t, i, '(') && i > 0 && t[i - 1].kind == Token::Kind::word) {
                // A word before '(' is a function called, unless it is one of these (a type's
                // modifier, a column list) or the tool's table (its column list); a qualified
                // name (schema.fn) only as the table.
                const std::string& before = t[i - 1].text;
                static constexpr std::string_view k_calls[] = {"count", "max", "now", "values", "varying", "varchar", "char",
                                                               "character", "timestamp", "numeric", "decimal", "key", "unique"};
                bool allowed = tool_table(before);
                if (!(i >= 2 && punct(t, i - 2, '.'))) {
                    for (auto c : k_calls) allowed = allowed || before == c;
                }
                if (!allowed) return false;
            }
            continue;
        }
        const std::string& w = t[i].text;
        if (w == "with" && word(t, i + 1, "time")) continue;  // timestamp with time zone
        if (i > 0 && (w == "select" || w == "with" || w == "check" || w == "references" || w == "exists")) return false;
        if (w == "default" && !(i > 0 && word(t, i - 1, "by"))) return false;  // GENERATED BY DEFAULT AS IDENTITY
        if (w == "from" || w == "join" || w == "into" || w == "update" || w == "table" || w == "using" || (w == "lock" && i == 0)) {
            std::size_t at = i + 1;
            if (word(t, at, "if")) at += word(t, at + 1, "not") ? 3 : 2;  // CREATE TABLE IF NOT EXISTS
            if (word(t, at, "only")) ++at;
            const std::string name = table_at(t, at);
            if (!tool_table(name)) return false;
            named = true;
            in_relations = depth == 0;
            i = at - 1;
        }
    }
    return named;
}

bool rewrites_history(const Event& e) {
    if (e.skipped || !is_bookkeeping(e.sql)) return false;
    const auto t = tokens(e.sql, 4096);
    std::size_t at = 0;
    if (word(t, 0, "delete") && word(t, 1, "from")) at = 2;
    else if (word(t, 0, "update")) at = 1;
    else return false;
    const std::string table = table_at(t, at);
    if (table == "knex_migrations_lock" || table == "ar_internal_metadata") return false;  // the tools' lock and metadata
    if (table == "alembic_version") {
        // Alembic deletes a head's row when an upgrade merges branches (runtime/migration.py,
        // HeadMaintainer.update_to_step: _delete_version for each merged head, then
        // _update_version): its own forward write. A DELETE closes nothing, so it cannot move a
        // statement to another migration; a forged close is a version recorded twice.
        return word(t, 0, "update") && !applied_by(e).has_value();
    }
    return true;
}

std::optional<Applied> applied_by(const Event& e) {
    if (e.error || e.skipped || !e.unreadable.empty() || e.tags.size() > 1 || !is_bookkeeping(e.sql)) return std::nullopt;
    const auto t = tokens(e.sql, 4096);
    std::size_t at = 0;
    if (word(t, 0, "insert") && word(t, 1, "into")) {
        at = 2;
        const std::string table = table_at(t, at);
        if (!punct(t, at, '(')) return std::nullopt;
        ++at;
        auto columns = items(t, at);
        if (!word(t, at, "values") || !punct(t, at + 1, '(')) return std::nullopt;
        at += 2;
        auto values = items(t, at);
        if (columns.empty() || values.size() != columns.size()) return std::nullopt;
        auto column = [&](std::string_view name) -> std::optional<std::string> {
            for (std::size_t i = 0; i < columns.size(); ++i) {
                if (word(t, columns[i], name)) return value_at(t, values[i], e);
            }
            return std::nullopt;
        };
        if (table == "schema_migrations") {
            if (auto v = column("version")) return Applied{Tool::rails, *v, ""};
        } else if (table == "django_migrations") {
            auto app = column("app");
            auto name = column("name");
            if (app && name) return Applied{Tool::django, *name, *app};
        } else if (table == "alembic_version") {
            if (auto v = column("version_num")) return Applied{Tool::alembic, *v, ""};
        } else if (table == "knex_migrations") {
            if (auto v = column("name")) return Applied{Tool::knex, *v, ""};
        }
        return std::nullopt;
    }
    if (word(t, 0, "update")) {
        at = 1;
        if (table_at(t, at) != "alembic_version" || !word(t, at, "set")) return std::nullopt;
        ++at;
        // SET version_num='<rev>' (the column may be qualified)
        std::string col = table_at(t, at);
        if (col != "version_num" || !punct(t, at, '=')) return std::nullopt;
        if (auto v = value_at(t, at + 1, e)) return Applied{Tool::alembic, *v, ""};
    }
    return std::nullopt;
}

}  // namespace pgfence::capture
