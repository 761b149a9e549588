#pragma once
// The modules a script loads by a name computed when it runs (`require(path.join(__dirname,
// "../lib/helper"))`, `` import(`${__dirname}/../lib/${name}`) ``, `require(name)`), and how much
// of each name is known: what `pgfence pr` needs to tell which files such a load may reach when a
// pull request changes them (bot/pr_loaders.cpp). Constant names are module_loads' (module_writes.hpp).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::orm {

// The require functions createRequire makes (`const load = createRequire(import.meta.url)`;
// nodejs.org/api/module.html module.createRequire), each with the index of its `createRequire`
// token: the names bound to one, and the `(` that calls one directly (`createRequire(x)("pg")`).
struct Requirers {
    std::map<std::string, std::size_t> names;
    std::map<std::size_t, std::size_t> calls;
};
[[nodiscard]] Requirers requirers_of(const std::vector<Token>& tokens);

// A load whose name is not one constant, or a constant one resolved from elsewhere than the
// script's folder (a require createRequire made from another file).
struct ComputedLoad {
    std::size_t at = 0;  // the token index of the load (`require`, `import`, the made require)
    // The start of the name as far as it folds: `path.join/resolve(__dirname, ...)`, `join(...)`
    // imported from Node's path, `__dirname + "..."`, `` `${__dirname}/...` ``, `new URL("...",
    // import.meta.url)` (its href, pathname, fileURLToPath), import.meta.dirname, constants and `+`.
    // Relative to the script's folder ("./../lib/helper") or a bare name; empty when nothing of it is known.
    std::string path;
    bool complete = false;  // `path` is the whole name
};
[[nodiscard]] std::vector<ComputedLoad> computed_loads(const std::vector<Token>& tokens);

// A file a script reads (`fs.readFileSync(path.join(__dirname, "../sql/audit.sql"))`, `readFile`,
// `fs.promises.readFile`, `readFileSync` imported from "node:fs"): what it reads is what it runs
// when it hands the text to the database, so `pgfence pr` counts it as a load (red team R85a F2).
// The path folds as a computed load's does. Any call named readFileSync or readFile counts, whatever
// it is bound to (more, never fewer).
struct FileRead {
    std::size_t at = 0;  // the token index of `readFileSync` / `readFile`
    // Relative to the script's folder ("./../sql/audit.sql") when `from_script` (__dirname,
    // import.meta.url); else the path as written, relative to the working folder Node runs in
    // (unknown to pgfence) or absolute. Empty when nothing of it is known.
    std::string path;
    bool complete = false;
    bool from_script = false;
};
[[nodiscard]] std::vector<FileRead> file_reads(const std::vector<Token>& tokens);
// Whether a script that loads a file-system module (fs, fs/promises, node:fs, fs-extra,
// graceful-fs) may read a file in a way file_reads does not name (red team R86 F1): a read API
// other than readFileSync/readFile (createReadStream, openSync with readSync, a FileHandle's
// open), one of those taken but not called (`const rf = fs.readFileSync`, promisify), or one
// named by a string (`fs["readFileSync"]`). Then any file of the repository may be what it reads.
[[nodiscard]] bool unnamed_file_reads(const std::vector<Token>& tokens);

}  // namespace pgfence::analyze::orm
