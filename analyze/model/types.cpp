#include "analyze/model/types.hpp"

#include <cstdlib>
#include <vector>

#include "analyze/model/catalog.hpp"

namespace pgfence::analyze::model {
namespace {

std::vector<long> modifiers(const std::string& type) {
    std::vector<long> out;
    auto open = type.find('(');
    if (open == std::string::npos) return out;
    auto close = type.find(')', open);
    std::string inner = type.substr(open + 1, close - open - 1);
    std::size_t pos = 0;
    while (pos <= inner.size()) {
        auto comma = inner.find(',', pos);
        std::string part = inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        out.push_back(std::strtol(part.c_str(), nullptr, 10));
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

bool is_array(const std::string& t) { return t.size() > 2 && t.ends_with("[]"); }

}  // namespace

TypeChange classify_type_change(const std::string& from, const std::string& to, bool using_clause,
                                int pg_version, std::string& why) {
    if (using_clause) {
        why = "USING computes every row's new value";
        return TypeChange::Rewrite;
    }
    if (from == to) {
        why = "the type does not change";
        return TypeChange::NoRewrite;
    }
    if (is_array(from) != is_array(to)) {
        why = from + " to " + to + " needs a conversion";
        return TypeChange::Rewrite;
    }
    // Between array types the conversion is an ArrayCoerceExpr, which ATColumnChangeRequiresRewrite
    // does not see through (it sees through RelabelType, CoerceToDomain and a length coercion):
    // varchar(10)[] to varchar(20)[] or text[] rewrites the table (PostgreSQL 15, red team R67 A1:
    // the relfilenode changed for four such pairs).
    if (is_array(from)) {
        why = from + " to " + to + " converts every array element (ArrayCoerceExpr), which rewrites every row";
        return TypeChange::Rewrite;
    }
    std::string fb = type_base(from);
    std::string tb = type_base(to);
    auto fm = modifiers(from);
    auto tm = modifiers(to);
    // Length/precision limits that only grow: varchar, varbit, numeric (same scale), time types.
    bool widening = tm.empty() || (!fm.empty() && tm[0] >= fm[0] && (fm.size() < 2 || (tm.size() >= 2 && tm[1] == fm[1])));
    if (fb == tb && (fb == "varchar" || fb == "varbit")) {
        if (widening) {
            why = from + " to " + to + " only raises the length limit";
            return TypeChange::NoRewrite;
        }
        why = to + " lowers the length limit: every row is checked and rewritten";
        return TypeChange::Rewrite;
    }
    if (fb == tb && fb == "numeric") {
        if (tm.empty() || (!fm.empty() && tm.size() >= 1 && tm[0] >= fm[0] &&
                           (fm.size() > 1 ? fm[1] : 0) == (tm.size() > 1 ? tm[1] : 0))) {
            why = from + " to " + to + " only raises the precision";
            return TypeChange::NoRewrite;
        }
        why = from + " to " + to + " changes the scale or lowers the precision";
        return TypeChange::Rewrite;
    }
    if (fb == tb && (fb == "timestamp" || fb == "timestamptz" || fb == "time" || fb == "timetz" || fb == "interval")) {
        if (tm.empty() || (!fm.empty() && tm[0] >= fm[0])) {
            why = from + " to " + to + " only raises the precision";
            return TypeChange::NoRewrite;
        }
        why = to + " lowers the fractional-second precision";
        return TypeChange::Rewrite;
    }
    // Binary-coercible pairs (pg_cast castmethod 'b').
    bool to_text_like = tb == "text" || (tb == "varchar" && tm.empty());
    if ((fb == "varchar" || fb == "text") && to_text_like) {
        why = from + " to " + to + " is binary-coercible";
        return TypeChange::NoRewrite;
    }
    if ((fb == "cidr" && tb == "inet") || (fb == "text" && tb == "citext") || (fb == "citext" && tb == "text") ||
        (fb == "varchar" && tb == "citext") || (fb == "xml" && tb == "text") || (fb == "int4" && tb == "oid") ||
        (fb == "oid" && tb == "int4") || (fb == "int8" && tb == "int8") || (fb == "bytea" && tb == "bytea")) {
        why = from + " to " + to + " is binary-coercible";
        return TypeChange::NoRewrite;
    }
    // ATColumnChangeRequiresRewrite (PostgreSQL 12+) sees through timestamp_timestamptz and
    // timestamptz_timestamp when the session's zone is UTC. A precision below 6 on the new type
    // adds a length coercion it does not see through.
    bool zone_cast = (fb == "timestamp" && tb == "timestamptz") || (fb == "timestamptz" && tb == "timestamp");
    if (zone_cast && pg_version >= 12 && (tm.empty() || tm[0] >= 6)) {
        why = fb + " to " + tb + " skips the rewrite only when the session TimeZone is UTC";
        return TypeChange::DependsOnTimeZone;
    }
    why = from + " to " + to + " converts every value";
    return TypeChange::Rewrite;
}

}  // namespace pgfence::analyze::model
