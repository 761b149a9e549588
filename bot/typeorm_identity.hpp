#pragma once
// TypeORM records a migration that ran by its name, not by its file (issue #53, red team h2 item 3):
// typeorm/typeorm src/migration/MigrationExecutor.ts getMigrations takes
// `migration.name || migration.constructor.name` (the class's `name` property, else the class
// name), and a migration whose name the migrations table does not hold is pending and runs. A
// pull request that renames a merged migration's class, or adds or changes its `name`, makes
// TypeORM run it again: a rename of the migration, HIGH (migration-tool-settings-changed), as
// bot/removed_migrations.hpp reports a renamed file.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::bot {

// A class the file declares and the name TypeORM records it by.
struct TypeormIdentity {
    std::string class_name;
    std::string name;  // the `name` property's literal (or its expression's text), else the class name
    int line = 1;      // the line that decides it: the `name` property's, else the class declaration's
};

// The classes of a TypeORM migration script, in order.
[[nodiscard]] std::vector<TypeormIdentity> typeorm_identities(std::string_view text);

// When the head's classes record another name than the base's did for a class the base had (by
// position when the class was renamed): the finding's change, at the head's line.
[[nodiscard]] std::optional<analyze::SettingChange> typeorm_renamed(const std::string& path, std::string_view base_text,
                                                                    std::string_view head_text);

// Adds typeorm_renamed's finding to the TypeORM migration `file` (the head's report of `path`).
void add_typeorm_rename(analyze::FileReport& file, std::string_view base_text, std::string_view head_text,
                        const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
