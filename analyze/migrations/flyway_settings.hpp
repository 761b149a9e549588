#pragma once
// Flyway's settings files, as far as they decide what a migration runs: its placeholders (which
// Flyway replaces as text before it parses the file), their prefix and suffix, whether they are
// replaced at all, and the locations its migrations are read from.
//
// Flyway loads flyway.conf (Java properties) and, from Flyway 10, flyway.toml (and
// flyway.user.toml) from its working directory, its install's conf/ folder and the user's home
// (documentation "Configuration files"; flyway-core ConfigUtils.loadDefaultConfigurationFiles).
// Which working directory a deploy uses is not in the repository, so every such file above a
// migration counts, and where two of them disagree the value is unknown.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/migrations/flyway_script_config.hpp"

namespace pgfence::analyze::tools {

// A settings file is kilobytes; one larger than this is not read (its placeholders are then
// unknown): it is parsed again for every migration it speaks for.
inline constexpr std::uint64_t k_most_settings_bytes = std::uint64_t{1} << 20;

// The names Flyway reads in a folder (the working directory, or its conf/ folder).
[[nodiscard]] const std::vector<std::string_view>& flyway_settings_names();

// One `flyway.*` setting as written: for telling a pull request's changed settings apart.
struct SettingLine {
    std::string key;    // "flyway.placeholders.users_note", "flyway.locations" (TOML keys mapped to these)
    std::string value;  // as read (escapes resolved), or the raw text when it could not be read
    int line = 1;       // where it starts
};

struct FlywaySettings {
    bool replacement = true;     // flyway.placeholderReplacement
    std::string prefix = "${";   // flyway.placeholderPrefix
    std::string suffix = "}";    // flyway.placeholderSuffix
    // The syntax (prefix, suffix, replacement) differs between files, or could not be read: no
    // placeholder of the file can be told from SQL.
    bool syntax_unknown = false;
    // By lower-cased name (Flyway's CaseInsensitiveMap): the value, or nothing when it is not
    // known (two files disagree, an environment overrides it, it reads an environment variable).
    std::map<std::string, std::optional<std::string>> placeholders;
    std::vector<std::string> locations;  // flyway.locations entries, as written ("filesystem:sql")
    // flyway.sqlMigrationSuffixes beyond ".sql", lower-cased (Flyway compares them without case:
    // ResourceNameParser.stripSuffix): every one any settings file gives, since a deploy may use any.
    std::vector<std::string> migration_suffixes;
    // flyway.encoding when it is not UTF-8 (Flyway decodes the migrations with it; pgfence reads
    // UTF-8), "" otherwise.
    std::string encoding;
    // flyway.sqlMigrationPrefix, undoSqlMigrationPrefix, repeatableSqlMigrationPrefix or
    // sqlMigrationSeparator set to other than V, U, R, "__": Flyway then runs files pgfence does
    // not take for Flyway's, and not some it does. The first such setting, or "".
    std::string naming;
    // The script's own configuration (`V2__x.sql.conf`, flyway_script_config.hpp), when it has one.
    std::optional<ScriptConfig> script;
    std::vector<SettingLine> lines;      // every flyway setting of the file(s), in order
    std::vector<std::string> files;      // the files read, as given to read_flyway_files
};

// One file, by its name's extension: .toml, else Java properties.
[[nodiscard]] FlywaySettings read_flyway_settings(std::string_view name, std::string_view text);

// `from` merged into `into` (a value set in both differently becomes unknown).
void merge_flyway_settings(FlywaySettings& into, const FlywaySettings& from);

// The settings files found for a migration, packed into one string: what the analyzer is given
// beside a Flyway migration (conventions.hpp prepare_source's sibling_metadata), and unpacked.
[[nodiscard]] std::string pack_flyway_files(const std::vector<std::pair<std::string, std::string>>& files);
// `packed` with one more file (a script's configuration, read apart from the folder's settings).
void add_flyway_file(std::string& packed, std::string_view path, std::string_view text);
[[nodiscard]] std::optional<FlywaySettings> unpack_flyway_files(std::string_view packed);

// The folders a migration's settings may sit in, nearest first: its own folder and each one
// above it (and their conf/), as repository-relative or given paths ("" is the root).
[[nodiscard]] std::vector<std::string> flyway_settings_candidates(std::string_view migration_path);

// A `filesystem:` location as a folder relative to the folder of the settings file that names it
// ("" for none: classpath: and cloud locations are not folders of the repository).
[[nodiscard]] std::string location_folder(std::string_view settings_path, std::string_view location);

// The settings a pull request added, changed or removed in one settings file (`base`: its text at
// the merge base, none when the file is new), each at its line in the head version. Every
// `flyway.*` setting counts: besides placeholders and locations, the URL, schemas, target,
// callbacks and the like decide what runs where.
[[nodiscard]] std::vector<SettingChange> flyway_setting_changes(std::string_view name, const std::optional<std::string>& base,
                                                                std::string_view head);

}  // namespace pgfence::analyze::tools
