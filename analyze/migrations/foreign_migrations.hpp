#pragma once
// Migrations of tools pgfence does not read: Liquibase changelogs (YAML, JSON, XML and formatted
// SQL), Sqitch deploy scripts, Atlas migration directories, pgroll migrations, Rails (Active
// Record) migrations, Alembic revisions, Django, Ecto, Laravel and EF Core migrations. Each is recognised by the tool's
// own conventions (cited in foreign_migrations.cpp); a pull request that adds or changes one is an
// unknown statement at its line, so it needs a person's sign-off instead of passing as "0 files".
#include <optional>
#include <string_view>

#include "analyze/migrations/code_migrations.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// Whether `path`'s name may be such a migration (.yaml .yml .json .xml .sql .rb .py .exs .php .cs): the ones
// worth reading.
[[nodiscard]] bool foreign_migration_candidate(std::string_view path);

// The migration `text` is, when it is one of those tools' (`read` reads another file of the same
// commit: sqitch.plan, atlas.hcl). `too_large`: the file was not read.
[[nodiscard]] std::optional<CodeMigration> read_foreign_migration(std::string_view path, std::string_view text, bool too_large,
                                                                  const ReadFile& read);

}  // namespace pgfence::analyze::tools
