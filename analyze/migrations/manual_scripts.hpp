#pragma once
// SQL a person runs by hand, kept beside a project's Prisma migrations: umami's
// db/postgresql/data-migrations/*.sql hold a `-- PostgreSQL` section and a `-- MySQL` one, to
// copy into the database's console when upgrading. The project's own words decide: its
// migrations are Prisma's (a migration_lock.toml that says provider = "postgresql"), and
// `prisma migrate deploy` runs only a migrations folder's <name>/migration.sql
// (prisma/prisma-engines schema-engine/connectors/schema-connector/src/migrations_directory.rs
// list_migrations); the file's sections say no tool runs it whole on PostgreSQL.
#include <string>
#include <vector>

#include "analyze/migrations/other_database.hpp"

namespace pgfence::analyze::tools {

// Takes out of `files` each SQL file with a section for PostgreSQL and one for another database
// (a comment line that is only the database's name) in a repository whose migrations are
// Prisma's, outside Prisma's folders, and gives a skipped report for each. A file a runner runs
// (`run_by_tool`), one named as another tool's (a version first: goose, dbmate, Flyway,
// golang-migrate, node-pg-migrate), one with another tool's markers, or any file of a
// repository with no PostgreSQL Prisma folder, stays.
[[nodiscard]] std::vector<FileReport> set_aside_manual_scripts(std::vector<std::string>& files, const ReadFile& read,
                                                               const RunByTool& run_by_tool = {});

// The same, reading the working tree (files up to 1 MiB).
[[nodiscard]] std::vector<FileReport> set_aside_manual_scripts(std::vector<std::string>& files, const RunByTool& run_by_tool = {});

}  // namespace pgfence::analyze::tools
