#pragma once
// Runs the rules over one analysed file: orders and de-duplicates findings, applies
// pgfence-ignore comments (and reports the ones that matched nothing), sets risks.
#include <string_view>
#include <vector>

#include "analyze/parse_tree.hpp"

#include "analyze/facts.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// `nodes` are the statements' parse trees (null for unparsable ones), `text` the file's text.
// `stmts` the same statements as PostgreSQL's parser built them (pg_tree.hpp).
void apply_rules(FileReport& report, const std::vector<Node>& nodes, const std::vector<const pg::Node*>& stmts,
                 std::string_view text, const Options& options);

// A rule runs when it is enabled by default or by options.enabled, and not disabled.
[[nodiscard]] bool rule_active(const Rule& rule, const Options& options);

}  // namespace pgfence::analyze::rules
