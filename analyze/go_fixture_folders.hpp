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
//   - no .go file of that module outside `_test.go` files names it (its name as a word): no
//     embed and no path of the library's own code reads it.
// A `stub` folder of the project's own module, or one a library's code names, is still read;
// and a tool whose settings or command name the folder walks it from there (tool_dir_inputs.cpp).
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
    // The fixture names (`stub`, `testdata`) a module's non-test .go files name, read once.
    const std::set<std::string>& named_in(const std::filesystem::path& module);
    std::filesystem::path m_walked;
    std::map<std::string, std::set<std::string>> m_named;
};

}  // namespace pgfence::analyze
