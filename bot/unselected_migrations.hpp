#pragma once
// `pgfence pr` and files that look like migrations where no tool setting pgfence read runs any: a
// versioned SQL file (`000002_drop.up.sql`, `V2__x.sql`, `20240102_x.sql`, a diesel-style `up.sql`),
// a JavaScript or TypeScript file that exports an `up` using a migration API (knex,
// queryInterface, pgm, queryRunner), a Django migration class, an Alembic revision, an ActiveRecord,
// Ecto, Laravel or Entity Framework Core migration, in a folder that only the application's own code names (knex.migrate.latest({
// directory }), Umzug, Django's MIGRATION_MODULES, Flyway's Java API, golang-migrate or goose
// called from Go). A file the pull request adds or changes that is such a file, and that no report
// already covers, is an unknown statement at line 1: what runs it, and when, pgfence did not see.
// Down and undo files (`.down.sql`, `down.sql`, `U2__x.sql`, `*.undo.sql`) are rollbacks, not run
// on deploy, and are left alone.
#include <set>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Appends to `added` those files (not already in `listed`, which it extends).
[[nodiscard]] analyze::Result<bool> add_unselected_migration_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                                     const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                                     std::vector<analyze::FileReport>& added);

}  // namespace pgfence::bot
