// Files a JavaScript migration tool runs under names that are not a script's (extract.hpp
// tool_runs_as_script), and the unknown statement for one pgfence finds no migration in.
#include "analyze/orm/tool_scripts.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

bool tool_runs_as_script(std::string_view path) {
    std::size_t slash = path.find_last_of("/\\");
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    // knex/knex lib/migrations/common/MigrationsLoader.js DEFAULT_LOAD_EXTENSIONS: .co .coffee
    // .eg .iced .js .cjs .litcoffee .ls .ts, loaded by lib/migrations/util/import-file.js with
    // require(), which runs a file of an extension it has no loader for as JavaScript.
    for (std::string_view ext : {".co", ".coffee", ".eg", ".iced", ".litcoffee", ".ls"}) {
        if (name.ends_with(ext) && name.size() > ext.size()) return true;
    }
    // salsita/node-pg-migrate src/migration.ts getMigrationFilePaths(): every file of the folder
    // but dot files; getNumericPrefix() (src/utils) refuses a name without a numeric prefix;
    // src/migration.ts loads one that is not .sql as a module (jiti), whatever its extension.
    return !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) && name.find('.') == std::string_view::npos;
}

// A file the tool runs that pgfence found no migration in (tool_runs_as_script): unknown at its
// first line instead of skipped.
Extraction unread_tool_script(std::string_view text, InputFormat format) {
    Extraction out;
    out.format = format;
    JsFile file = parse_js(text);
    Emitter emitter(file, text, out);
    Node first;
    first.begin = 0;
    first.end = std::min(text.find('\n'), text.size());
    int index = emitter.add_call(first, "file", false);
    emitter.unknown(first, index, "the migration tool runs this file (Knex requires its loadExtensions as JavaScript, "
                                  "node-pg-migrate loads every numbered file of its folder), but pgfence finds no "
                                  "migration it can read in it: what it runs is not seen");
    return out;
}

}  // namespace pgfence::analyze::orm
