#include "analyze/names.hpp"

#include <algorithm>
#include <unordered_set>
#include <cctype>

#include "analyze/conventions.hpp"

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

std::string quote_ident(std::string_view name) {
    if (name.size() >= 2 && name.front() == '$') return restore_placeholder(name);
    bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
    for (char c : name) {
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '_' || c == '$')) {
            plain = false;
        }
    }
    if (plain && !is_reserved(name)) return std::string(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace pgfence::analyze
