// Notes a plan carries for the tool that runs it: what a step that fails part-way leaves each
// tool's history in and how to resume (the DBA review dba71, problem 3), and why a Flyway plan's
// versions avoid those of other folders (problem 1).
//
// How each tool records a failed migration (their sources):
// - golang-migrate (golang-migrate/migrate migrate.go runMigrations): SetVersion(v, dirty=true)
//   before the migration runs and SetVersion(v, false) after it succeeds; a failure leaves the
//   version dirty, and every later Up/Migrate/Steps returns ErrDirty ("Dirty database version %v.
//   Fix and force version.") until `migrate force`.
// - Flyway (flyway-core DbMigrate.java): a migration that fails in a transaction is rolled back
//   ("Changes successfully rolled back.") and not recorded; one that ran outside a transaction is
//   recorded as failed (addAppliedMigration(..., false) after "Please restore backups and roll
//   back database and code!"), and every later migrate stops ("Schema ... contains a failed
//   migration to version N !"; validate: "Detected failed migration ... run repair") until
//   `flyway repair`.
// - goose (pressly/goose migration_sql.go runSQLMigration): outside a transaction (NO
//   TRANSACTION) each statement runs on its own and the version is inserted after the last one;
//   a failure records nothing, and the next `goose up` runs the file again from its first statement.
// - dbmate (amacneil/dbmate pkg/dbmate/db.go Migrate): `transaction:false` runs the section and
//   then InsertMigration, so the same: nothing recorded, the next `dbmate up` runs it again.
// - Prisma: plan_prisma.hpp (P3009).
#pragma once

#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/model/findings.hpp"

namespace pgfence::analyze::plan_tool_notes {

// What a failed step means for `tool` and how to resume, when one of `steps` can fail part-way
// (a lock_timeout, a CONCURRENTLY build, a batched walk) in the way that tool records; "" when
// none can, the failure is rolled back and retried as it is (a Flyway, goose or dbmate step in a
// transaction), or the tool is another (no note).
[[nodiscard]] std::string failure_note(MigrationTool tool, const std::vector<PlanStep>& steps);

// Why a Flyway plan's versions (`chosen`) are not the ones its own folder alone leaves free
// (`own_set`): `others`, migrations of other folders Flyway may load with it, read under `root`
// ("" when only the folders given to pgfence counted).
[[nodiscard]] std::string flyway_locations_note(const std::vector<std::string>& own_set, const std::vector<std::string>& chosen,
                                                const std::vector<std::string>& others, const std::string& root);

}  // namespace pgfence::analyze::plan_tool_notes
