#pragma once
// A knex project's own migrationSource (knex's `migrationSource: { getMigrations, getMigrationName,
// getMigration }`, lib/migrations/migrate/Migrator.js): it, not knex's file-name order, decides the
// order the plan's new files run in, and which names it accepts at all. requarks/wiki's
// server/db/migrator-source.js sorts the folder's names with `semver.compare`, which throws on a
// name that is no version ("Invalid Version: 2.0.0-beta.11_2": the review 85 plan stopped wiki's
// start). The plan's names are then versions that sort right after the original, or no plan.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::plan_knex {

enum class Order { Semver, Unknown };

struct Source {
    std::string file;  // the file that defines getMigrations and names the migration's folder
    Order order = Order::Unknown;
};

// The migrationSource of the project's own for the knex migration at `path`: a script in the
// migration's folder, its parent or the parent's parent that defines getMigrations and names the
// folder. Nothing when there is none (knex's own source orders the names as strings).
[[nodiscard]] std::optional<Source> knex_source(std::string_view path);

// node-semver's compare (semver/functions/compare.js, classes/semver.js, strict parse): <0, 0,
// >0; nullopt when either is no valid version.
[[nodiscard]] std::optional<int> semver_compare(std::string_view a, std::string_view b);

// The names of the plan's migrations 2..1+count for `name` under semver order, given the folder's
// other file names, or why there are none ("" in names' place).
struct Names {
    std::vector<std::string> names;
    std::string declined;
};
[[nodiscard]] Names semver_names(std::string_view name, int count, const std::vector<std::string>& folder_names);

}  // namespace pgfence::analyze::plan_knex
