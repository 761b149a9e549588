#pragma once
// What a migration script can reach besides the runner it is handed, judged against an
// allowlist (walk_migration, walker.cpp): every token of the script (and of the repository files
// it imports by a relative path, followed as require() follows them) is read, and any way to run
// code or open a connection pgfence does not read is an unknown statement at its line:
//   - a module it loads (require, import, import(), export ... from) that is not on the short
//     list of packages known neither to connect to a database nor to run programs (the ORM's own
//     package, path, util, lodash, ...: allowed_module below), or a relative path that does not
//     name a file of the repository at the commit judged (a file written at run time by fs);
//   - `process` other than `process.env.X` / `process.env["X"]` reads and `process.cwd()`
//     (getBuiltinModule, binding, dlopen, mainModule, stdout ...);
//   - `globalThis`, `global`, `eval`, `Function`, `module` other than `module.exports`, `require`
//     other than `require('literal')`, `.constructor` (Function through a prototype), the
//     network globals `fetch` and `WebSocket`.
// This replaces listing dangerous APIs by name: what is not known harmless is unknown.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/conventions.hpp"
#include "analyze/orm/js_ast.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

struct Reach {
    std::size_t begin = 0;  // the token in the script (for a helper's finding: its import)
    std::size_t end = 0;
    std::string name;       // what is reached, as written
    std::string why;
};

// Whether a package (or a path under one) is known neither to open a connection nor to run a
// program when loaded or used (`node:` builtins included).
[[nodiscard]] bool allowed_module(std::string_view module);

// The ways `text` (the script at `path`, its tokens `tokens`) reaches past what pgfence reads,
// in the order they appear; repository files it imports are read too, at most `budget` bytes
// of them in all, their findings reported at the import in `text`.
[[nodiscard]] std::vector<Reach> script_reach(std::string_view text, const std::vector<Token>& tokens, std::string_view path,
                                              std::size_t budget);

class Emitter;

// script_reach() of the file, each an unknown statement at its line (one per line) unless the
// walker already reported one there; what lies in the function not being read (down() when
// reading up) does not run and is left out (walk_migration, walker.cpp).
void report_reach(const JsFile& file, std::string_view text, Emitter& emitter, Direction direction, std::string_view path,
                  std::size_t budget);

}  // namespace pgfence::analyze::orm
