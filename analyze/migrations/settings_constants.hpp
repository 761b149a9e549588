#pragma once
// Values a JavaScript settings file computes that are still known before it runs (stranger
// review 88 D, automatisch's knexfile): a template of the file's string constants, an ES
// module's own `__dirname`, path's join and resolve imported by name.
// Not for use outside analyze/migrations: tool_dirs.hpp is the API.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {

// The file's names bound once by `const NAME = 'text'` (or a template without interpolation) and
// nowhere else declared or assigned: their text.
std::map<std::string, std::string> string_constants(const std::vector<orm::Token>& t);

// A template whose interpolations are each one of `constants`: its text.
std::optional<std::string> constant_template(const orm::Token& tok, const std::map<std::string, std::string>& constants);

// Whether `__dirname` in the file is the module's folder: no binding of it (CommonJS gives it,
// nodejs.org/api/modules.html "__dirname"), or only an ES module's
// `const __dirname = path.dirname(fileURLToPath(import.meta.url))` (nodejs.org/api/esm.html,
// "No __filename or __dirname": import.meta.dirname's equivalent), and no assignment to it.
bool dirname_is_module_folder(const std::vector<orm::Token>& t);

// Whether the file takes `name` (join, resolve, dirname, fileURLToPath) from Node's path (or url)
// module by name, `import { join } from 'path'` / `const { join } = require('node:path')`, and
// binds it nowhere else.
bool named_from(const std::vector<orm::Token>& t, std::string_view name, std::string_view module);

}  // namespace pgfence::analyze::tools::tool_dirs_detail
