#include "analyze/migrations/typeorm_classes.hpp"

#include <algorithm>

#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {

// DataSourceOptions.migrations is `MixedList<Function | string>` (typeorm/typeorm
// src/data-source/BaseDataSourceOptions.ts); MigrationExecutor.getMigrations() runs every class
// in it (src/migration/MigrationExecutor.ts), and DataSource.buildMetadatas() takes the
// functions as they are (src/data-source/DataSource.ts: importClassesFromDirectories only for the
// strings). The classes come from the data source's imports: their modules' folders hold the
// files TypeORM runs. A name not imported from a relative module (declared in the file, from a
// package) is not followed: the list is unknown.
ClassModules typeorm_class_modules(std::string_view text, std::string_view expr) {
    ClassModules out;
    const orm::ImportedNames imported = orm::imported_names(orm::lex_js(text));
    const std::vector<orm::Token> tokens = orm::lex_js(expr);
    bool named = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const orm::Token& t = tokens[i];
        if (t.kind != orm::TokenKind::Ident) continue;
        if (i > 0 && (tokens[i - 1].text == "." || tokens[i - 1].text == "?.")) continue;  // a member's name
        if (t.text == "Object" || t.text == "Array" || t.text == "true" || t.text == "false" || t.text == "undefined" ||
            t.text == "null") {
            continue;
        }
        named = true;
        auto it = imported.find(t.text);
        if (it == imported.end() || it->second.module.empty() || it->second.module[0] != '.') {
            if (out.unknown.empty()) {
                out.unknown = "its classes come from `" + t.text + "`, " +
                              (it == imported.end() ? std::string("which the file does not import from a module of the repository")
                                                    : std::string("a package, not a module of the repository")) +
                              ": which migrations run is not known";
            }
            continue;
        }
        const std::string& module = it->second.module;
        // `./schema` (a folder whose index re-exports) is the folder; `./schema/index`,
        // `./list.js` name a file: its folder.
        const std::string_view last = path_name(module);
        const bool file = last == "index" || (last.find('.') != std::string_view::npos && last != "." && last != "..");
        std::string folder = it->second.remote == "*" && !file ? module : std::string(path_folder(module));
        if (folder.empty()) folder = ".";
        if (std::find(out.folders.begin(), out.folders.end(), folder) == out.folders.end()) out.folders.push_back(folder);
    }
    if (!named) out.folders.clear();
    return out;
}

}  // namespace pgfence::analyze::tools
