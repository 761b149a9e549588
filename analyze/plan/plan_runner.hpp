// Plans for plain SQL files whose runner pgfence does not know (no migration tool detected):
// what such a plan assumes of how the runner wraps files, said or declined.
#pragma once

#include <string>
#include <vector>

#include "analyze/model/findings.hpp"

namespace pgfence::analyze::plan_runner {

// Why the plan is declined when nobody knows how its files are run, "" when it is not: views put
// in tables' places by one migration and swapped back by a later one. A runner that runs every
// pending file in one transaction (memos' store/migrator.go, applyMigrations) runs the next
// versions' ALTER TABLE against the view and the whole upgrade rolls back (outside DBA, memos'
// 0.21 rename_uid plan: harmful).
[[nodiscard]] std::string unknown_runner_decline(const std::vector<PlanStep>& steps);

// The assumption a plan of several migrations, a step outside a transaction or a SET LOCAL makes
// of an unknown runner, printed as a note; "" when the plan makes none.
[[nodiscard]] std::string unknown_runner_note(const std::vector<PlanStep>& steps);

}  // namespace pgfence::analyze::plan_runner
