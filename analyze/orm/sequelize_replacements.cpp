// Sequelize's sequelize.query(sql, { replacements }) (src/utils/sql.ts injectReplacements): each
// :name or ? replaced by its value as Sequelize escapes it, also db-migrate's runSql values.
#include <cctype>

#include "analyze/orm/emitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::orm {
namespace {

// The value of a replacement as Sequelize escapes it for PostgreSQL; nullopt when unknown.
std::optional<std::string> escaped(const Node& v, Emitter& e) {
    if (auto s = e.string_of(v)) return quote_literal(*s);
    if (auto n = e.number_of(v)) return *n;
    if (v.kind == NodeKind::Ident && (v.name == "true" || v.name == "false")) return v.name;
    if (v.kind == NodeKind::Ident && (v.name == "null" || v.name == "undefined")) return "NULL";
    if (v.kind == NodeKind::Array) {
        std::string out;
        for (const Node& k : v.kids) {
            auto one = escaped(k, e);
            if (!one) return std::nullopt;
            out += (out.empty() ? "" : ", ") + *one;
        }
        return out.empty() ? std::optional<std::string>("NULL") : out;
    }
    return std::nullopt;
}

// Sequelize's escape() of a replacement that is no plain value: a literal() pastes its text
// (Sequelize 7 query-generator-typescript.ts escape() -> formatSqlExpression; Sequelize 6 throws
// "Invalid value"), fn(), col(), cast(), where() and an object or a variable may be SQL too. The
// text of a literal() that is known, nullopt with `why` otherwise. Sequelize 7 replaces the :names
// of a literal's text in turn (formatLiteral), so one holding `:` or `?` is not read either.
std::optional<std::string> spliced_replacement(const Node& v, Emitter& e, std::string& why, int depth = 0) {
    std::string shown = e.source(v);
    if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
    why = "Sequelize's escape() splices the replacement `" + shown + "` into the SQL text as SQL (a literal(), fn(), col(), "
          "object or variable may be SQL, not a value), and pgfence does not know its text";
    if (v.kind == NodeKind::Array && depth < 8) {  // escapeValueWithBackCompat: each item, joined by ", "
        std::string out;
        for (const Node& k : v.kids) {
            auto one = escaped(k, e);
            if (!one) one = spliced_replacement(k, e, why, depth + 1);
            if (!one) return std::nullopt;
            out += (out.empty() ? "" : ", ") + *one;
        }
        return out;
    }
    if (v.kind != NodeKind::Call || v.kids.empty() || arg_count(v) != 1) return std::nullopt;
    const Node& callee = v.kids[0];
    bool literal = (callee.kind == NodeKind::Member || callee.kind == NodeKind::Ident) && callee.name == "literal";
    auto text = literal ? e.string_of(*arg(v, 0)) : std::nullopt;
    if (!text) return std::nullopt;
    for (std::size_t i = 0; i < text->size(); ++i) {
        char c = (*text)[i];
        bool name = c == ':' && i + 1 < text->size() && (std::isalpha(static_cast<unsigned char>((*text)[i + 1])) || (*text)[i + 1] == '_');
        if (c == '?' || name) {
            why = "Sequelize 7 replaces the replacements inside the literal() `" + shown + "` it splices, which pgfence does not read";
            return std::nullopt;
        }
    }
    why.clear();
    return text;
}

}  // namespace

void replace_parameters(SqlPiece& piece, const Node& replacements, Emitter& e, bool sequelize) {
    const std::string& sql = piece.sql.value;
    MappedText out;
    int holes = 0;
    auto unknown = [&](std::string why) {
        piece.unknown = std::move(why);
        piece.sql = MappedText{};
        piece.holes.clear();
        piece.spliced.clear();
    };
    bool named = replacements.kind != NodeKind::Array;
    std::size_t positional = 0;
    // Replacements are read outside quotes and comments only.
    analyze::Tokenizer tokens(sql);
    analyze::Token token;
    bool more = tokens.next(token);
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        std::size_t at = piece.sql.offsets[i];
        while (more && token.end <= i) more = tokens.next(token);
        if (more && token.is_opaque() && token.begin <= i) {
            out.append(c, at);
            continue;
        }
        if (named && c == ':' && i + 1 < sql.size() && (i == 0 || sql[i - 1] != ':') && sql[i + 1] != ':' &&
            (std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
            std::size_t j = i + 1;
            while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
            std::string key = sql.substr(i + 1, j - i - 1);
            const Node* v = replacements.kind == NodeKind::Object ? property(replacements, key) : nullptr;
            if (replacements.kind == NodeKind::Object && v == nullptr) {
                // shorthand or spread objects: the key is still a replacement, value unknown
                bool spread = false;
                for (const auto& k : replacements.keys) spread = spread || k == "...";
                if (!spread) {
                    out.append(c, at);
                    continue;
                }
            }
            auto value = v ? escaped(*v, e) : std::nullopt;
            if (!value && sequelize && (v == nullptr || !plain_value(*v, e))) {
                std::string why = "Sequelize replacements from a spread or a variable: the value of :" + key +
                                  " may be a literal() Sequelize splices as SQL, which pgfence does not know";
                if (v != nullptr) value = spliced_replacement(*v, e, why);
                if (!value) return unknown(why);
            }
            if (value) out.append(*value, at);
            else {
                piece.holes.emplace_back(out.value.size(), ":" + key);
                out.append("$" + std::to_string(++holes), at);
            }
            i = j - 1;
            continue;
        }
        if (!named && c == '?') {
            const Node* v = positional < replacements.kids.size() ? &replacements.kids[positional] : nullptr;
            ++positional;
            if (i + 1 < sql.size() && sql[i + 1] == '?') {  // knex: ?? binds an identifier
                ++i;
                auto name = v ? e.string_of(*v) : std::nullopt;
                if (name) out.append(quote_qualified(*name), at);
                else {
                    piece.holes.emplace_back(out.value.size(), "??");
                    out.append("\"$" + std::to_string(++holes) + "\"", at);
                }
                continue;
            }
            auto value = v ? escaped(*v, e) : std::nullopt;
            if (!value && sequelize && v != nullptr && !plain_value(*v, e)) {
                std::string why;
                value = spliced_replacement(*v, e, why);
                if (!value) return unknown(why);
            }
            if (value) out.append(*value, at);
            else {
                piece.holes.emplace_back(out.value.size(), "?");
                out.append("$" + std::to_string(++holes), at);
            }
            continue;
        }
        out.append(c, at);
    }
    piece.sql = std::move(out);
}

namespace {

// A `?` outside quotes and comments, where Sequelize puts a positional replacement.
bool question_mark(const std::string& sql) {
    analyze::Tokenizer tokens(sql);
    analyze::Token token;
    while (tokens.next(token)) {
        if (token.is_opaque()) continue;
        for (std::size_t i = token.begin; i < token.end && i < sql.size(); ++i) {
            if (sql[i] == '?') return true;
        }
    }
    return false;
}

}  // namespace

void sequelize_raw_query(const Node& call, const std::string& name, Emitter& e) {
    SqlPiece& piece = e.raw(call, name, arg(call, 0));
    const Node* options = arg(call, 1);
    if (!piece.unknown.empty() || options == nullptr || options->kind != NodeKind::Object) return;
    if (const Node* r = property(*options, "replacements")) {
        if (const Node* literal = e.literal_of(*r); literal != nullptr && (literal->kind == NodeKind::Object || literal->kind == NodeKind::Array)) r = literal;
        if (r->kind == NodeKind::Object || r->kind == NodeKind::Array) {
            replace_parameters(piece, *r, e, true);
        } else {
            Node unknown_values;  // replacements from a variable: every :name is an unknown value
            unknown_values.kind = NodeKind::Object;
            unknown_values.keys.push_back("...");
            unknown_values.kids.emplace_back();
            replace_parameters(piece, unknown_values, e, true);
            if (piece.unknown.empty() && question_mark(piece.sql.value)) {  // may be an array: each ? a value
                piece.unknown = "Sequelize replacements from a variable: what Sequelize puts at each `?` (a literal() is SQL) is not known";
                piece.sql = MappedText{};
                piece.holes.clear();
                piece.spliced.clear();
            }
        }
        if (piece.unknown.empty()) piece.notes.push_back("replacements substituted as Sequelize escapes them");
    }
}

}  // namespace pgfence::analyze::orm
