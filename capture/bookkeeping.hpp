#pragma once
// Migration tools' own tables, and the write that records a migration as applied, which closes
// it: the statements the tool sent before that write (since the previous one) are that
// migration's. Each tool's shape is taken from its source:
//  - Rails / ActiveRecord: activerecord/lib/active_record/schema_migration.rb, `create!(version:)`
//    sends INSERT INTO "schema_migrations" ("version") VALUES ($1) with the version bound (Ecto's
//    table has the same name, version and inserted_at); ar_internal_metadata is its other table.
//  - Django: django/db/migrations/recorder.py, MigrationRecorder.record_applied,
//    `self.migration_qs.create(app=app, name=name)`: INSERT INTO "django_migrations" ("app",
//    "name", "applied") VALUES (...), psycopg2 interpolating the values client-side.
//  - Alembic: alembic/runtime/migration.py, HeadMaintainer._insert_version / _update_version:
//    INSERT INTO alembic_version (version_num) VALUES ('<rev>') for the first revision, then
//    UPDATE alembic_version SET version_num='<rev>' WHERE alembic_version.version_num = '<prev>'.
//  - Knex: lib/migrations/migrate/Migrator.js, _waterfallBatch: after each migration's up(),
//    insert({name, batch, migration_time}) into knex_migrations (knex_migrations_lock is its lock).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/recorder.hpp"

namespace pgfence::capture {

enum class Tool { rails, django, alembic, knex };
[[nodiscard]] std::string_view tool_name(Tool tool);

// A bookkeeping write that records one migration as applied.
struct Applied {
    Tool tool = Tool::rails;
    std::string version;  // Rails: 20240101120000; Django: the migration's name; Alembic: the revision; Knex: the file name
    std::string app;      // Django: the app label
};

// Whether the statement is the tool's own: one statement of the shapes the tools send (a SELECT,
// INSERT, UPDATE, DELETE, CREATE TABLE or LOCK of their tables only: schema_migrations,
// ar_internal_metadata, django_migrations, alembic_version, knex_migrations,
// knex_migrations_lock), not the application's.
[[nodiscard]] bool is_bookkeeping(std::string_view sql);

// Whether a statement names one of those tables anywhere (a trigger or rule on it, a DROP of it):
// what it does runs when the tool records a migration, which pgfence does not follow.
[[nodiscard]] bool names_tool_table(std::string_view sql);

// Whether the event rewrites a tool's record of what was applied other than as the tool does when
// it migrates forward: a DELETE of schema_migrations, django_migrations or knex_migrations, or an
// UPDATE of any of them or of alembic_version that is not Alembic's own (applied_by reads it).
// Those tools send a DELETE only when they unapply (Rails 6.1 migration.rb's
// `SchemaMigration.delete_by`, Django 3.2 recorder.py record_unapplied, Knex's down); Alembic 1.8
// also deletes a merged head's row going forward (runtime/migration.py update_to_step), which is
// left to it. What the capture attributes after such a write is not the tool's word.
[[nodiscard]] bool rewrites_history(const Event& event);

// The migration an event records as applied, if it is such a write (its values read from the
// SQL's literals or from the parameters bound to it).
[[nodiscard]] std::optional<Applied> applied_by(const Event& event);

}  // namespace pgfence::capture
