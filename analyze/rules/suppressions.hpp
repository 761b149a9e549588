#pragma once
// `-- pgfence-ignore` comments: on the lines just before a statement (all rules, or
// `-- pgfence-ignore: id, id`), or anywhere as `-- pgfence-ignore-file[: id, id]`.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/facts.hpp"

namespace pgfence::analyze::rules {

struct Suppression {
    int statement = -1;         // the statement it applies to; -1 for the whole file
    std::set<std::string> ids;  // empty: every rule
    Position where;             // the comment
    Position where_end;
    bool used = false;
};

[[nodiscard]] std::vector<Suppression> find_suppressions(std::string_view text, const FileReport& report);

}  // namespace pgfence::analyze::rules
