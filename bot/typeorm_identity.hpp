#pragma once
// TypeORM records a migration that ran by its name, not by its file (issue #53, red team h2 item 3):
// typeorm/typeorm src/migration/MigrationExecutor.ts getMigrations takes
// `migration.name ?? migration.constructor.name` (`||` before 1.0: the instance's `name`, else
// the class name; analyze/migrations/typeorm_names.hpp lists what decides it), and a migration
// whose name the migrations table does not hold is pending and runs. A pull request that renames
// a merged migration's class, or adds or changes its `name`, makes TypeORM run it again: a rename
// of the migration, HIGH (migration-tool-settings-changed), as bot/removed_migrations.hpp reports
// a renamed file. A name pgfence cannot read (a getter that computes it, a base class, a
// constructor that hands `this` on) is an unknown statement there.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::bot {

// What the pull request does to the names of the classes the base version of a TypeORM migration
// had (each paired with the head's class of its class name, else the one at its place;
// analyze/migrations/typeorm_names.hpp reads them).
struct TypeormRenames {
    std::vector<analyze::SettingChange> renamed;  // a name the head records another way: at the head's line
    std::vector<analyze::SettingUnknown> unknown; // a name pgfence cannot read in either version: at the head's line
};
[[nodiscard]] TypeormRenames typeorm_renamed(const std::string& path, std::string_view base_text, std::string_view head_text);

// Adds typeorm_renamed's findings (migration-tool-settings-changed, unknown-statement) to the
// TypeORM migration `file` (the head's report of `path`, whose text is `head_text`).
void add_typeorm_rename(analyze::FileReport& file, std::string_view base_text, std::string_view head_text,
                        const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
