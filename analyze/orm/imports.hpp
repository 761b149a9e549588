#pragma once
// The file a migration's relative import names, when it lies inside the migration's repository:
// for following a helper the migration hands its runner to (walker.cpp).
#include <cstddef>
#include <optional>
#include <string>
#include <map>
#include <string_view>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// `spec` ("./helpers", "../lib/x.js") imported by the script at `script`: the file it loads
// (see below) when that is a
// regular file inside the script's repository (the nearest folder above it holding .git, else the
// script's folder) reached through no symbolic link; nullopt otherwise (a package name, a path
// leading out, a link, no such file).
// Resolved as Node's require() does (modules.md "All together"): the file, the file with an
// extension, the folder's package.json "main", its index. When a .js and a TypeScript file (or
// two other extensions) both match, which one runs depends on the runner: nullopt, and `why`
// says so (" (both x.js and x.ts exist ...)").
[[nodiscard]] std::optional<std::string> resolve_import(std::string_view script, std::string_view spec, std::string* why = nullptr);

// A name the script imports: the module and the name it has there ("*" for the module object,
// "default" for its default export).
struct Import {
    std::string module;
    std::string remote;
};
using ImportedNames = std::map<std::string, Import, std::less<>>;

// From the script's tokens: `import { a, b as c } from 'x'`, `import d from 'x'`,
// `import * as e from 'x'`, `const f = require('x')`, `const { g } = require('x')`.
[[nodiscard]] ImportedNames imported_names(const std::vector<Token>& tokens);

// The text of `path`, nullopt when it cannot be read or is larger than `limit` bytes.
[[nodiscard]] std::optional<std::string> read_limited(const std::string& path, std::size_t limit);

}  // namespace pgfence::analyze::orm
