#pragma once
// Runs the rules over one analysed file: orders and de-duplicates findings, applies
// pgfence-ignore comments (and reports the ones that matched nothing), sets risks.
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// `stmts` are the statements as PostgreSQL's parser built them (pg_tree.hpp; null for
// unparsable ones; a SELECT of constants may be constant_select_stand_in(), pg_parser.hpp),
// parallel to report.statements; `text` the file's text. `called`: the
// statements of the functions they call (function_calls.hpp), checked at the call; a finding of a
// rule that already reports on the calling statement is not repeated.
void apply_rules(FileReport& report, const std::vector<const pg::Node*>& stmts, std::string_view text,
                 const Options& options, const std::vector<CalledStatement>& called = {});

// Source order, as every output lists findings: start line, column, then the highest risk
// first, then rule id. Stable: findings alike in all four keep their order.
void order_findings(std::vector<Finding>& findings);

// The file's and each statement's risk: the highest of the findings on it (None without any).
void recompute_risks(FileReport& report);

// A rule runs when it is enabled by default or by options.enabled, and not disabled.
[[nodiscard]] bool rule_active(const Rule& rule, const Options& options);

}  // namespace pgfence::analyze::rules
