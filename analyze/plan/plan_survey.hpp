#pragma once
// What the migration plan (plan.cpp) learns of a file before composing it: the columns the file
// adds (the old release neither knows nor writes them), the SET NOT NULLs such a column cannot
// take online, and how each UPDATE a rule would batch out of band runs. A plan must leave the
// end state the original leaves with the old release writing throughout (docs/plans.md).
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::plan_survey {

// How the plan runs an UPDATE that a rule would batch out of band.
enum class UpdateWay {
    none,    // not such an UPDATE
    batch,   // the rule's out-of-band walk: equivalent (constants, columns only this file adds)
    keep,    // as written, in place: a walk would not change the same rows the same way
    folded,  // folded into its ADD COLUMN as the column's DEFAULT there (instant, no backfill)
};

// The rules whose recipe batches an UPDATE out of band.
[[nodiscard]] bool batching_rule(std::string_view rule);
// Does the statement lock `table` (any mode)?
[[nodiscard]] bool touches(const StatementFacts& s, const std::string& table);
// Where the subcommands of an ALTER TABLE start in its text (`head_end`), and each one's text;
// empty when the text cannot be cut into as many pieces as the parser found.
[[nodiscard]] std::vector<std::string> subcommand_texts(const StatementFacts& s, const AlterTableStmt* alter,
                                                        std::size_t* head_end);

struct Survey {
    std::vector<UpdateWay> update_way;               // per statement
    std::map<std::size_t, std::string> instant;      // ALTER TABLE ... ADD COLUMN -> its text with the UPDATE folded in
    std::map<std::size_t, std::string> keep_not_null;  // SET NOT NULL kept as written -> why
    std::set<std::size_t> update_joins;              // kept UPDATEs that run in the migration before them
    std::set<std::size_t> absorbed;                  // SET NOT NULLs a folded ADD COLUMN ... NOT NULL does
    std::vector<std::pair<std::size_t, std::string>> notes;  // statement, what the plan does with it and why
};

// `stmts` parallel to report.statements (null: unparsable), `down` the statements left out,
// `by_statement` the findings on each statement.
// `no_walk(i, table)`: why the UPDATE of statement i cannot be walked out of band (its table's
// primary key is not known, say), "" when it can; such an UPDATE is kept as its own migration.
// `no_fold(i, table)`: why the UPDATE of statement i cannot become its column's DEFAULT (the
// table has children or triggers, or is not known), "" when it can.
using NoWalk = std::function<std::string(std::size_t, const std::string&)>;
[[nodiscard]] Survey survey(const FileReport& report, const std::vector<const pg::Node*>& stmts,
                            const std::vector<bool>& down, const std::vector<std::vector<const Finding*>>& by_statement,
                            const NoWalk& no_walk, const NoWalk& no_fold);

}  // namespace pgfence::analyze::plan_survey
