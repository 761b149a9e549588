#pragma once
// The order migration tools apply their files in, and which files form one migration set
// (README "Migration history"). Lexical order is wrong as soon as versions are not zero-padded
// (goose 9_x before 10_x) or dotted (Flyway V1_9 before V1_10).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze {

// The folder whose files one tool applies in sequence: the file's own folder, or for the
// folder-per-migration tools (Prisma migration.sql, diesel up.sql/down.sql) the folder of the
// migration's folder. Absolute and lexically normal, so two spellings of it compare equal.
[[nodiscard]] std::string migration_set(std::string_view path);
// The same folder as written, not made absolute: Flyway's locations (common/, prod/, dev/ beside
// each other, holding V<version>__ files) are their parent's one set.
[[nodiscard]] std::string_view set_folder(std::string_view path);
// How many times set_folder has been asked in this process (every thread): the unit test checks
// that a run asks it a number of times linear in its files, not once per pair of them.
[[nodiscard]] std::uint64_t set_folder_questions();

// Whether the tools apply `a` before `b` (two files of one set): versioned names (a leading
// number, dotted/underscored/dashed parts compared numerically, Flyway's V prefix) first, by
// version; then Flyway repeatables (R__name) by name; then names without a version, by name.
// Prisma's and diesel's migration folders compare by name, as text, as those tools do.
[[nodiscard]] bool migration_before(std::string_view a, std::string_view b);

// What a tool knows the migration at `path` by: its set, its version (or, without one, its name
// or folder), and whether it is a down half. Two paths with one identity are one migration to
// the tool (a rename that keeps it has already run); a rename that changes it is a migration
// the tool runs as new, whatever its text.
[[nodiscard]] std::string migration_identity(std::string_view path);

// The down half of an up/down pair: golang-migrate, sqlx and pop's x.down.sql, diesel's <folder>/down.sql.
[[nodiscard]] bool is_down_half(std::string_view path);

// Files grouped by migration set, the sets in the order each first appears, each set in the
// order its tool applies it; set_of[i] numbers the set of files[i] (0, 1, ...).
struct MigrationSets {
    std::vector<std::string> files;
    std::vector<std::size_t> set_of;
};
[[nodiscard]] MigrationSets group_migration_sets(const std::vector<std::string>& files);

// The --history files to replay before `analysed`, grouped and ordered as above, without the
// analysed files themselves and without the files of an analysed file's set that its tool
// applies after it (a folder given whole as history, one new file of it analysed).
[[nodiscard]] std::vector<std::string> history_before(const std::vector<std::string>& history,
                                                      const std::vector<std::string>& analysed);

}  // namespace pgfence::analyze
