#pragma once
// SQL migrations a Go library embeds (`//go:embed migration/*/*.sql`, River's
// riverdriver/riverpgxv5/river_pgx_v5_driver.go): they ship inside the library and its own
// runner (rivermigrate) applies them, in the library's versions. A user of the library cannot add
// a version, and the library's maintainers would collide with their own next release: no plan of
// new migrations fits them (review 89). The test, narrow and checkable:
//   - a non-test .go file in the SQL file's folder or a folder above it, up to the nearest go.mod
//     (not above a folder holding .git),
//     has a `//go:embed` line one of whose patterns matches the file's path from that folder (or a
//     folder of it: a directory pattern embeds its whole tree). Patterns are relative to the
//     package's folder, path.Match syntax, space-separated, quoted or not, `all:` allowed (package
//     embed's docs, golang/go src/embed/embed.go);
//   - that file's package is not `main`, and its folder is not under a `cmd` folder of the module;
//   - the module (the go.mod's folder, without the modules nested in it) has no non-test .go file
//     of `package main`: no program, so a library others import. An application embedding its
//     migrations in `internal/db` has its main package and keeps its plans.
#include <string>

namespace pgfence::analyze {

// The decline for a plan of `sql_path` (as the analysis names it), "" when no library embeds it.
[[nodiscard]] std::string embedded_library_decline(const std::string& sql_path);

}  // namespace pgfence::analyze
