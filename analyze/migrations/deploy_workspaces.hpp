#pragma once
// The workspace packages a monorepo's task runner runs a script in (turbo, lerna, nx, pnpm -r and
// --filter, npm --workspaces and -w, yarn workspaces foreach), each package's script of that name
// read as a command run in its folder. Not for use outside analyze/migrations and the readers
// that list a repository's packages (deploy_commands.hpp is the API).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The path a ReadFile answers with the repository's package.json and project.json files, one
// repository path a line (none under node_modules or a hidden folder; at most 4096). A reader that
// cannot list them answers nullopt, and a workspace glob is then unknown.
inline constexpr std::string_view k_package_files = "\x01package files";
// Whether a repository path is one k_package_files lists.
[[nodiscard]] bool package_file_listed(std::string_view path);
// The answer for k_package_files under the folder `root` of the file system.
[[nodiscard]] std::string package_files_under(const std::string& root);

}  // namespace pgfence::analyze::tools

namespace pgfence::analyze::tools::deploy_detail {

struct Follow;

class Workspaces {
public:
    explicit Workspaces(const ReadFile& read) : m_read(read) {}
    Workspaces(const Workspaces&) = delete;
    Workspaces& operator=(const Workspaces&) = delete;
    // The scripts of the package.json in `folder` ("" the top), read once; nullptr when there is none.
    PackageScripts* package(const std::string& folder);
    // Why a command that runs tasks across workspace packages hides what pgfence must see ("" when
    // what it runs is read and harmless); nullopt when it runs none. `here`: where it runs.
    std::optional<std::string> why(const std::vector<std::string>& words, const std::optional<std::string>& here);
    // The same for one npm or pnpm run in every workspace (`every`) or those `filter` selects.
    std::string run_why(const ScriptRun& run, const std::optional<std::string>& filter, const std::string& here);
    // The bin file of the repository's own package an npx, npm exec, bunx or dlx command runs
    // (deploy_npx_bins.cpp), marked k_from_top; "" when it names none (a registry package).
    std::string npx_bin(const std::vector<std::string>& words, const std::string& here);

private:
    struct Root {
        std::string folder;
        std::vector<std::string> folders;  // its packages, by folder
        std::string unknown;               // why they are not known
    };
    std::optional<std::string> text(const std::string& path);
    const Root& root_of(const std::string& here, bool lerna_run);
    std::vector<std::string> select(const Root& root, const std::vector<std::string>& filters, const std::string& here);
    std::string task_why(const std::string& folder, const std::string& task, const std::string& args);
    std::string tasks_why(const std::string& runner, const Root& root, std::vector<std::string> folders, const std::vector<std::string>& tasks);
    // What a release tool's settings run where it runs (release-it's hooks, @semantic-release/exec's
    // commands) and `lerna exec`'s command in each package; nullopt for another command (deploy_release_config.cpp).
    std::optional<std::string> release_why(const std::vector<std::string>& words, const std::string& here);
    std::string release_command_why(const std::string& command, const std::string& here, Follow& follow);
    // What `nx release` runs: nx.json's preVersionCommand, each project's publish and its lifecycle
    // scripts; nullopt for another command (deploy_nx_release.cpp).
    std::optional<std::string> nx_release_why(const std::vector<std::string>& words, const std::string& here);

    const ReadFile& m_read;
    std::map<std::string, std::optional<std::string>> m_texts;             // every file read, once
    std::map<std::string, std::optional<PackageScripts>> m_packages;       // by folder
    std::map<std::string, Root> m_roots;                                   // by the folder a command runs in
    std::map<std::string, std::optional<std::string>> m_task_why;          // folder \n task: worked out
    std::set<std::string> m_busy;
    int m_depth = 0;
    std::size_t m_runs = 0;
};

// Workspaces::npx_bin from the top, with a Workspaces of its own.
[[nodiscard]] std::string npx_workspace_bin(const std::vector<std::string>& words, const ReadFile& read);

}  // namespace pgfence::analyze::tools::deploy_detail
