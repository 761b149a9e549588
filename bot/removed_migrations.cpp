#include "bot/removed_migrations.hpp"

#include "analyze/migrations/migration_order.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {

bool removes_base_migration(const diff::ChangedFile& change) {
    // A down half never ran on deploy (its up half did): its rollback is lost, not a record.
    if (change.status == diff::ChangeStatus::Deleted) return !analyze::is_down_half(change.path);
    return change.status == diff::ChangeStatus::Renamed && !change.all_lines_new && change.old_path != change.path &&
           !analyze::is_down_half(change.old_path);
}

namespace {

// What the tools record of a migration that ran, from their sources:
//   sequelize/umzug src/storage/sequelize.ts logMigration: SequelizeMeta { name: the file's name }
//   knex/knex lib/migrations/migrate/Migrator.js: knex_migrations.name is the file's name, and
//     validateMigrationList throws "The migration directory is corrupt, the following files are
//     missing" when a completed migration's file is gone (unless disableMigrationsListValidation)
//   salsita/node-pg-migrate src/runner.ts: pgmigrations.name, the file's name without extension
//   prisma/prisma-engines migration-connector: _prisma_migrations.migration_name, the folder's name
//   typeorm/typeorm src/migration/MigrationExecutor.ts: the class name and its timestamp
//   pressly/goose, golang-migrate/migrate, amacneil/dbmate, launchbadge/sqlx, diesel-rs/diesel,
//     flyway/flyway: the version the name starts with (Flyway's validate also compares the
//     description and checksum)
constexpr const char* k_by_name =
    "Sequelize (SequelizeMeta), Knex (knex_migrations), node-pg-migrate (pgmigrations) and Prisma "
    "(_prisma_migrations, by folder) record a migration by its file or folder name, TypeORM by its class name, "
    "goose, golang-migrate, dbmate, sqlx, diesel and Flyway by the version its name starts with";

}  // namespace

analyze::FileReport removed_migration_report(const diff::ChangedFile& change, const analyze::AnalyzeOptions& options) {
    // A deleted file's path is its base path (diff/change_set.hpp).
    const std::string& base_path = change.status == diff::ChangeStatus::Deleted || change.old_path.empty() ? change.path : change.old_path;
    const std::string old_path = annotate::printable(base_path);
    // The rule words a change starting "deletes migration " or "renames migration " as this one.
    std::string what;
    if (change.status == diff::ChangeStatus::Deleted) {
        what = "deletes migration " + old_path +
               ", which the base branch has: it has run, so production keeps what it made, which the repository no longer "
               "describes (pgfence analyses the pull request's migrations on the base branch's history, this file "
               "included); Knex refuses to run when a migration it applied has no file, and " +
               std::string(k_by_name) + ", so the record of it is orphaned";
    } else {
        what = "renames migration " + old_path + " (which the base branch has, so it has run) to " +
               annotate::printable(change.path) + ": " + std::string(k_by_name) +
               ", so under a new name or version the tool runs it again on a database that has its objects and rows "
               "(a DROP ... IF EXISTS then CREATE in it empties the table), and the old record is orphaned";
    }
    analyze::SettingChange removed;
    removed.line = 1;
    removed.what = std::move(what);
    return analyze::analyze_tool_settings(base_path, {std::move(removed)}, options);
}

}  // namespace pgfence::bot
