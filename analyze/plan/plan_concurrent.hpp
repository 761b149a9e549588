#pragma once
// CREATE INDEX CONCURRENTLY and the plan's lock_timeout (issue #54, section 3). A concurrent
// index build (or REINDEX / DROP INDEX CONCURRENTLY) waits, between its phases, for every
// transaction older than it, on any table; under `SET lock_timeout = '2s'` it gives up whenever
// one has been open for 2 s and leaves an INVALID index behind, which makes the same migration
// fail when it is run again. Its own lock (SHARE UPDATE EXCLUSIVE) queues no reads or writes, so
// the plan's 2 s guard protects nothing there: a migration made only of such statements runs
// without it (a SQL file's own lock_timeout, where it set one, stays; a knex, TypeORM, Sequelize
// or db-migrate script's goes, RESET where it was a session SET an earlier step repeats), and the
// retry is spelled out beside the statement.
#include <string>
#include <vector>

namespace pgfence::analyze::plan_concurrent {

// Every statement of `units` (a migration's pieces; comment lines ignored) is a CONCURRENTLY
// index build or drop, and there is at least one.
[[nodiscard]] bool only_concurrent_index_work(const std::vector<std::string>& units);

// `prefix` (a migration's opening SETs) without the plan's own `SET lock_timeout = '2s';` line.
[[nodiscard]] std::string without_default_timeout(const std::string& prefix);

// The note a plan gets when it leaves a concurrent build unguarded.
[[nodiscard]] std::string unguarded_note();

}  // namespace pgfence::analyze::plan_concurrent
