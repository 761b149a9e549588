#pragma once
// A migration module that exports a class it imports (`export { Base as S1700000000060 }`,
// `export const W = Base`, `export default Base`, `exports.S = Base`, `export { X } from
// '../lib/x'`, `export * from '../lib/x'`): TypeORM instantiates every function a file of its
// migrations glob exports and runs its up() (typeorm DirectoryExportedClassesLoader,
// MigrationExecutor), so the class runs from this file though it is written in another. Each such
// export is followed to the module it names, when that is a file of the repository, and the class's
// up() read there; else it is unknown at the export, never "no migration found" (red team R71 F3).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/orm/borrowed_up.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/orm/js_ast.hpp"

namespace pgfence::analyze::orm {

class Emitter;

// How far re-exports are followed: modules within modules, bytes read and modules read in all
// (each read module's own helpers are followed within a budget of its size: linear overall).
struct FollowLimits {
    int depth = 0;
    std::size_t work_left = 0;
    std::size_t follows_left = 64;
};

// The migration tool of the first followed module whose words name one (for a module that only
// re-exports, whose own words name none); Auto when none does.
[[nodiscard]] InputFormat reexported_format(const std::vector<ReExport>& list, std::string_view path);

// Each re-export of `list`: the statements of the class it names, read in its module (of format
// `format`, or the module's own) and adopted at the export; unknown at the export when it does not
// resolve to a file of the repository, names no class found there, or passes the limits. The
// files read are added to `files`.
void follow_reexports(const std::vector<ReExport>& list, std::string_view text, Emitter& emitter, InputFormat format,
                      Direction direction, std::string_view path, FollowLimits& limits, std::vector<std::string>& files);

// extract.cpp: a module read as extract() reads a script; `only`, when not empty, the one export
// whose migration is wanted (a class's name, "default"; "*" or "": all of them).
[[nodiscard]] Extraction extract_module(std::string_view text, InputFormat format, Direction direction, std::string_view path,
                                        std::string_view only, FollowLimits& limits);

}  // namespace pgfence::analyze::orm
