// Plans for plain SQL files whose runner pgfence does not know (no migration tool detected):
// what such a plan assumes of how the runner wraps files, said or declined.
#pragma once

#include <string>
#include <string_view>
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

// Why the plan is declined when nobody knows how its files are run, "" when it is not: a step
// outside a transaction (CREATE INDEX CONCURRENTLY...). fider's runner (app/pkg/dbx/migrate.go:
// BeginTx, Exec(the whole file), Commit), golang-migrate and dbmate send a file in a transaction
// or as one query, where PostgreSQL refuses it ("cannot run inside a transaction block"); only a
// runner that sends statement by statement outside any (psql -f) runs it (review88, fider's
// 202105161823_create_indexes.sql: the plan failed under the real runner). `folder` names the set.
[[nodiscard]] std::string unknown_runner_outside_decline(const std::vector<PlanStep>& steps, std::string_view folder);

// Why a plan for a tool that sends a file as one query (Layout::one_query) is declined, "" when
// it is not: a file with two statements that must each run alone outside a transaction (two
// CONCURRENTLY): sent as one query they are one implicit transaction, which PostgreSQL refuses.
[[nodiscard]] std::string one_query_concurrent_decline(const std::vector<PlanStep>& steps);

}  // namespace pgfence::analyze::plan_runner
