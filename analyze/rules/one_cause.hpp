#pragma once
// One finding per statement and cause (issue #34). A statement whose own rule reports its
// table-sized work at HIGH (an index build, a validation scan, a rewrite, a whole-table UPDATE)
// does not also get the transaction rules' finding on that work: the held locks it prolongs are
// named in its own finding, whose fix removes both. A held-lock finding stays where the
// statement's own rules report nothing at HIGH (or the user suppressed or disabled them).
#include <string_view>
#include <vector>

#include "analyze/model/findings.hpp"

namespace pgfence::analyze::rules {

// The transaction rules: their finding at a statement is about the locks its transaction holds
// around it (held across it, held together, upgraded), not about what the statement itself does.
[[nodiscard]] bool transaction_rule(std::string_view id);
// A rule about the migration's own session and transaction (the transaction rules, rows locked
// until it commits, its lock_timeout / statement_timeout, what a transaction block forbids): not
// applied to a statement run apart from it (CalledStatement::apart).
[[nodiscard]] bool migration_transaction_rule(std::string_view id);

// Folds the transaction rules' findings at HIGH or above into the statement's own HIGH finding,
// in place, each as a clause naming the locks held (and its fix, where the statement's own fix
// does not end it); runs after suppressions. `held_only`: only work-under-held-lock and
// statement-after-access-exclusive, as the rules run (the plan reads the other two as they
// are); fold_same_statement_findings folds the rest once the plan is composed.
void fold_held_lock_findings(std::vector<Finding>& findings, bool held_only);

// Folds the findings one statement's own work gives into one per cause, in place: one rewriting
// rule on several subcommands (an ALTER TABLE adding 28 stored generated columns rewrites its
// table once), several validations or SET NOT NULLs of one ALTER, and different rules' work on
// one table under the statement's one lock (a serial column and its primary key). The kept
// finding says how many more and where, and carries each fix; the folded findings' edits of
// `text` (the file) join its edit. Runs after the plan is composed: the plan reads each
// subcommand's own finding and recipe.
void fold_same_statement_findings(std::vector<Finding>& findings, std::string_view text);

}  // namespace pgfence::analyze::rules
