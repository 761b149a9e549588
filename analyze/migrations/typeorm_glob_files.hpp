#pragma once
// Which scripts below a TypeORM `migrations` glob's folder the glob loads. TypeORM matches each
// glob with glob.sync (typeorm/typeorm src/util/DirectoryExportedClassesLoader.ts
// importClassesFromDirectories) and loads only the files it matches: ormconfig's
// "**/migrations/**/*.ts" loads src/migrations/x.ts, not src/api/wait.ts, though both lie below
// its folder "." (review90 A: every script of laudspeaker's server read as a possible migration).
#include <string>
#include <string_view>

namespace pgfence::analyze::tools {

// The part of `glob` below the folder glob_folder gives ("**/migrations/**/*.ts" for
// "src/**/migrations/**/*.ts" with folder "src"); "" when it has no wildcard (a folder or a file).
[[nodiscard]] std::string typeorm_glob_below(std::string_view glob);

// Whether the script at `file`, relative to the glob's folder, is one `below` (typeorm_glob_below)
// matches: `*`, `?`, `{a,b}` as loaded_by reads them, `**/` as `*` (crossing folders, so a match is
// never narrower than glob's). True for an empty `below`, and for a file that is no script.
[[nodiscard]] bool typeorm_glob_loads(std::string_view file, std::string_view below);

}  // namespace pgfence::analyze::tools
