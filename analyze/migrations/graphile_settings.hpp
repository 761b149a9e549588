#pragma once
// graphile-migrate's settings (graphile/migrate src/commands/_common.ts getSettings): `.gmrc` in
// the folder it runs in, read as JSON5, else `.gmrc.js` or `.gmrc.cjs`, imported as a module. Its
// actions (beforeReset, afterReset, beforeAllMigrations, afterAllMigrations, beforeCurrent,
// afterCurrent; src/actions.ts) run shell commands (`_: "command"`) or SQL files (`_: "sql"`, a
// bare string) around the migrations, and its `placeholders` are put into every migration as text
// (src/migration.ts generatePlaceholderReplacement) before it is sent. pgfence runs neither: each
// action is unknown at its line, and each use of a placeholder in a migration is unknown there.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/flyway_placeholders.hpp"

namespace pgfence::analyze::tools {

// Whether `name` (a file name) is graphile-migrate's settings file: .gmrc, .gmrc.js, .gmrc.cjs.
[[nodiscard]] bool graphile_settings_name(std::string_view name);

// A line of the settings pgfence does not follow, and why (printable).
struct GraphileUnknown {
    int line = 1;
    std::string why;
};

struct GraphileSettings {
    std::vector<GraphileUnknown> unknown;    // the actions, or line 1 of a module's settings
    std::vector<std::string> placeholders;  // the placeholder keys (":NAME") the file names
    std::string migrations_folder = "migrations";  // migrationsFolder, relative to the settings file's folder
    bool computed = false;  // a module, or text pgfence cannot read: any `:UPPER_CASE` word may be one
};

// Reads a .gmrc (`name` its file name) as graphile-migrate would: JSON5's strings, comments and
// unquoted keys are read; what pgfence cannot follow is unknown, never dropped.
[[nodiscard]] GraphileSettings read_graphile_settings(std::string_view name, std::string_view text);

// A graphile-migrate project: the folder of its settings file and the placeholders it puts in.
struct GraphileProject {
    std::string folder;  // its migrations folder, as the migrations' paths are given
    std::string settings_file;
    std::vector<std::string> placeholders;  // with :DATABASE_NAME and :DATABASE_OWNER
    bool computed = false;
};

// The project a settings file at `settings_path` (in the form the migrations' paths are given) makes.
[[nodiscard]] GraphileProject graphile_project(std::string_view settings_path, const GraphileSettings& settings);

// The uses in `text` of the placeholders of the project whose folder holds `path`, as
// graphile-migrate finds them (the key, then a word boundary: `(?:keys)\b`), in file order.
[[nodiscard]] std::vector<UnknownPlaceholder> graphile_placeholder_uses(std::string_view path, std::string_view text,
                                                                        const std::vector<GraphileProject>& projects);

}  // namespace pgfence::analyze::tools
