// What a plan for a Prisma migration must be to deploy with `prisma migrate deploy` as Prisma
// runs it (issue #54: "proven" means deployable with the project's own tool).
//
// How Prisma runs a migration (prisma/prisma-engines, schema-engine sql-schema-connector
// flavour/postgres/connector/native/mod.rs `apply_migration_script`): the whole migration.sql
// goes to PostgreSQL as one simple query (`client.simple_query(script)`), so several statements
// are one implicit transaction and a file of one statement runs outside any transaction block.
// A migration that fails is recorded as failed, and every later `migrate deploy` stops with P3009
// ("migrate found failed migrations in the target database, new migrations will not be applied",
// libs/user-facing-errors/src/schema_engine.rs) until `prisma migrate resolve --rolled-back`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/findings.hpp"

namespace pgfence::analyze::plan_prisma {

// Whether `sql` (a plan step's text) is the plan's batched walk (plan_walk.hpp), which Prisma can
// run as a folder of its own: one DO block that COMMITs, alone in its query.
[[nodiscard]] bool is_walk(std::string_view sql);

// Why a plan whose step by hand holds `sql` (not a walk: per-partition work, a batch to fill in)
// is not offered for Prisma: `migrate deploy` runs the folders and nothing else, so a step by hand
// is never run where it deploys unattended (ghostfolio's container entrypoint, the DBA review
// dba70).
[[nodiscard]] std::string by_hand_decline(std::string_view sql);

// The note a Prisma plan carries when one of its migrations can fail part-way or give up (a
// lock_timeout, a CONCURRENTLY build, a batched walk): what P3009 means and how to resume.
// "" when no step can.
[[nodiscard]] std::string failure_note(const std::vector<PlanStep>& steps);

}  // namespace pgfence::analyze::plan_prisma
