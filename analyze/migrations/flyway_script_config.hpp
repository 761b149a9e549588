#pragma once
// Flyway's per-script configuration: `V2__x.sql.conf` beside `V2__x.sql` sets how that one script
// runs (flyway/flyway flyway-core src/main/java/org/flywaydb/core/internal/sqlscript/
// SqlScriptMetadata.java: getMetadataResource reads `resource.getRelativePath() + ".conf"`; the
// keys are executeInTransaction, encoding, placeholderReplacement and shouldExecute, any other is
// reported as unrecognised). pgfence applies executeInTransaction and placeholderReplacement; an
// encoding other than UTF-8, shouldExecute, any other key, a line it cannot read and a file it
// cannot read make what the script runs unknown.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

struct ScriptConfig {
    std::string file;                  // the .conf's path, as given
    std::optional<bool> transaction;   // executeInTransaction, when set
    bool replacement = true;           // placeholderReplacement
    // What pgfence does not apply, each at its line of the .conf (1 for the whole file): printable.
    std::vector<std::pair<int, std::string>> unknown;
};

// Whether `name` (a file name) is a script configuration: `<script>.conf`, not Flyway's own
// flyway.conf.
[[nodiscard]] bool flyway_script_config_name(std::string_view name);

// The .conf of the script at `migration_path`.
[[nodiscard]] std::string flyway_script_config_path(std::string_view migration_path);

// Text given for a script configuration that exists but could not be read (a link, a folder,
// larger than pgfence reads): read_flyway_script_config makes it unknown.
inline constexpr char k_unreadable_script_config_text[] = "\0pgfence: unreadable script configuration\0";
inline constexpr std::string_view k_unreadable_script_config{k_unreadable_script_config_text,
                                                             sizeof(k_unreadable_script_config_text) - 1};

// The configuration `text` (of the file at `path`) gives. `placeholder_prefix`: Flyway replaces
// placeholders in the .conf too (SqlScriptMetadata.fromResource reads it through
// PlaceholderReplacingReader), so a value holding one is not known.
[[nodiscard]] ScriptConfig read_flyway_script_config(std::string_view path, std::string_view text,
                                                     std::string_view placeholder_prefix = "${");

}  // namespace pgfence::analyze::tools
