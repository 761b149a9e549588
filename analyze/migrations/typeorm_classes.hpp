#pragma once
// TypeORM's `migrations` given as classes rather than globs (`migrations: [Init, Cleanup]`,
// `migrations: Object.values(changes)` of `import * as changes from "./schema"`): the folders of
// the modules the classes are imported from, which hold the migrations TypeORM runs.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct ClassModules {
    // The folders, as module paths relative to the settings file's folder: a namespace import's
    // module itself (a folder whose index re-exports its files), a named import's module's folder.
    std::vector<std::string> folders;
    std::string unknown;  // why the classes' files are not known ("" when every one is), printable
};

// `expr` is the value of `migrations` in the data source file `text`. Empty `folders` and empty
// `unknown` when `expr` names no class at all (a boolean, a number: not the DataSource's list).
[[nodiscard]] ClassModules typeorm_class_modules(std::string_view text, std::string_view expr);

}  // namespace pgfence::analyze::tools
