#pragma once
// What makes a file look like a migration, whatever reads it (#53): a versioned SQL name
// (`000002_drop.up.sql`, `V2__x.sql`, `20240102_x.sql`, a diesel-style `up.sql`), a JavaScript or
// TypeScript file that exports an `up` using a migration API (knex, queryInterface, pgm,
// queryRunner), a Django migration class, an Alembic revision, an ActiveRecord, Ecto, Laravel or
// Entity Framework Core migration. `pgfence pr` (bot/unselected_migrations.hpp) and `pgfence analyze`
// (tool_dir_inputs.hpp) report such a file that no reader of theirs reads as an unknown statement.
// Down and undo files (`.down.sql`, `down.sql`, `U2__x.sql`, `*.undo.sql`) are rollbacks, not run
// on deploy, and do not look like one.
#include <string>
#include <string_view>

namespace pgfence::analyze::tools {

// What makes `text` (the file at `path`) look like a migration, or "" when nothing does.
[[nodiscard]] std::string migration_look(std::string_view path, std::string_view text);

// Whether `ext` (a name's last four characters) is ".sql" in another case (.SQL, .Sql).
[[nodiscard]] bool sql_in_another_case(std::string_view ext);

}  // namespace pgfence::analyze::tools
