#pragma once
// A Go library's test fixtures, copied into the repository with the library (kratos's oryx/ is
// ory/x, its own module through go.mod's `replace github.com/ory/x => ./oryx`; its
// popx/stub/migrations are popx's test migrations for four databases). The walk of a folder
// given to `analyze` leaves such a folder out, and only one that shows it on all of these:
//   - it is named `stub` or `testdata` (Go's name for test data, `go help packages`), below the
//     folder walked;
//   - the nearest go.mod above it is in a folder below the one walked: another module than the
//     project's, whose files only that module's own code can embed (`go help embed`: a pattern
//     matches no file of another module);
//   - no .go file of that module outside `_test.go` files names it (its name as a word), holds
//     a string literal that is a piece of its name's start or end (`"test"+"data"`), or sits in
//     its parent folder or a folder above it (within the module) with a `//go:embed` line: a
//     pattern is relative to the package's folder and has no `.` or `..` element (package
//     embed's docs, src/embed/embed.go), so only a package there can embed it, and
//     `//go:embed *` does without naming it.
// A `stub` folder of the project's own module, or one a library's code names, is still read;
// and a tool whose settings or command name the folder walks it from there (tool_dir_inputs.cpp).
// The project's own `testdata` folders are left out too, unless their package names or embeds
// them (leave_out).
#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace pgfence::analyze {

class GoFixtureFolders {
public:
    explicit GoFixtureFolders(std::filesystem::path walked) : m_walked(std::move(walked)) {}
    // Whether the walk leaves out `dir`, a folder met below the folder walked.
    [[nodiscard]] bool leave_out(const std::filesystem::path& dir);

private:
    struct Module {
        std::set<std::string> named;       // the fixture names (`stub`, `testdata`) its files may name
        std::set<std::string> embed_dirs;  // folders (relative to the module) with a `//go:embed` line
    };
    // What a module's non-test .go files name and embed, read once.
    const Module& read_module(const std::filesystem::path& module);
    // Whether a non-test .go file directly in `folder` names `testdata` or has a `//go:embed` line
    // (`embed_only`: only the latter), read once per folder.
    bool package_names(const std::filesystem::path& folder, bool embed_only);
    static constexpr std::size_t k_most_package_entries = 10000;
    std::filesystem::path m_walked;
    std::map<std::string, Module> m_modules;
    std::map<std::string, bool> m_packages;
};

}  // namespace pgfence::analyze
