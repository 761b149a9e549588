#pragma once
// One finding per statement and cause (issue #34). A statement whose own rule reports its
// table-sized work at HIGH (an index build, a validation scan, a rewrite, a whole-table UPDATE)
// does not also get the transaction rules' finding on that work: the held locks it prolongs are
// named in its own finding, whose fix removes both. A held-lock finding stays where the
// statement's own rules report nothing at HIGH (or the user suppressed or disabled them).
#include <vector>

#include "analyze/findings.hpp"

namespace pgfence::analyze::rules {

// Folds work-under-held-lock and statement-after-access-exclusive findings at HIGH or above
// into the statement's own HIGH work finding, in place; runs after suppressions.
void fold_held_lock_findings(std::vector<Finding>& findings);

// Folds the findings one rewriting rule gives several subcommands of one statement (an ALTER
// TABLE adding 28 stored generated columns rewrites its table once) into the first of them, in
// place, saying how many more and where. Runs after the plan is composed: the plan reads each
// subcommand's own finding and recipe.
void fold_same_rewrite_findings(std::vector<Finding>& findings);

}  // namespace pgfence::analyze::rules
