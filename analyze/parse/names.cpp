#include "analyze/parse/names.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>

#include "analyze/migrations/conventions.hpp"

namespace pgfence::analyze {
namespace {

// PostgreSQL's reserved keywords, and the non-reserved ones that cannot be column or type
// names, that need quoting as identifiers (src/include/parser/kwlist.h).
bool is_reserved(std::string_view name) {
    static const std::unordered_set<std::string_view> k_reserved = {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
        "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
        "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
        "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
        "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
        "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
        "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
        "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
        "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
        "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
        "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
        "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
        "position", "precision", "primary", "real", "references", "returning", "right", "row",
        "select", "session_user", "setof", "similar", "smallint", "some", "substring",
        "symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp", "to",
        "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
        "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
        "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
        "xmlpi", "xmlroot", "xmlserialize", "xmltable"};
    // Most names are no keyword: a table of which first letters the keywords of each length
    // have answers them without a hash.
    // (Every keyword is lower case; a name of 32 bytes or more goes to the hash.)
    static const std::array<std::uint32_t, 32> k_first_letters = [] {
        std::array<std::uint32_t, 32> t{};
        for (std::string_view word : k_reserved) {
            if (word.size() < t.size()) t[word.size()] |= 1u << (word[0] - 'a');
        }
        return t;
    }();
    if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
    if (name.size() < k_first_letters.size() && (k_first_letters[name.size()] >> (name[0] - 'a') & 1u) == 0) return false;
    return k_reserved.count(name) > 0;
}

}  // namespace

std::string quote_literal(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

namespace {

// Bytes an unquoted identifier may hold (lower-case letters, digits, '_', '$'), and may start
// with (lower-case letters, '_'): a table, not <cctype>'s per-byte calls (quote_ident runs for
// every name of every statement).
constexpr unsigned char k_body = 1, k_start = 2;
constexpr std::array<unsigned char, 256> k_ident_bytes = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = k_body | k_start;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = k_body;
    t['_'] = k_body | k_start;
    t['$'] = k_body;
    return t;
}();

bool plain_identifier(std::string_view name) {
    if (name.empty() || !(k_ident_bytes[static_cast<unsigned char>(name[0])] & k_start)) return false;
    for (char c : name) {
        if (!(k_ident_bytes[static_cast<unsigned char>(c)] & k_body)) return false;
    }
    return true;
}

}  // namespace

void append_quoted_ident(std::string& out, std::string_view name) {
    if (name.size() >= 2 && name.front() == '$') {
        out += restore_placeholder(name);
        return;
    }
    if (plain_identifier(name) && !is_reserved(name)) {
        out.append(name);
        return;
    }
    out += '"';
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string quote_ident(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 2);
    append_quoted_ident(out, name);
    return out;
}

namespace {
// Bytes of `name` that fit in `limit`, not splitting a UTF-8 character.
std::size_t clip_name(std::string_view name, std::size_t limit) {
    if (name.size() <= limit) return name.size();
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
    return n;
}
}  // namespace

std::string object_name(std::string_view name1, std::string_view name2, std::string_view label) {
    constexpr std::size_t k_name_max = 63;  // NAMEDATALEN - 1
    std::size_t overhead = (name2.empty() ? 0 : 1) + (label.empty() ? 0 : label.size() + 1);
    std::size_t avail = k_name_max - overhead;
    std::size_t n1 = name1.size(), n2 = name2.size();
    while (n1 + n2 > avail) {
        if (n1 > n2) --n1;
        else --n2;
    }
    std::string out(name1.substr(0, clip_name(name1, n1)));
    if (!name2.empty()) out += "_" + std::string(name2.substr(0, clip_name(name2, n2)));
    if (!label.empty()) out += "_" + std::string(label);
    return out;
}

}  // namespace pgfence::analyze
