#pragma once
// The packages of a repository that a bare name (`require("@app/dbh")`) may load as repository
// code: npm's and Yarn's workspaces (package.json "workspaces", an array or {"packages": [...]}),
// pnpm's (pnpm-workspace.yaml) and dependencies given as `file:`, `link:`, `portal:` or
// `workspace:` specs (docs.npmjs.com/cli/configuring-npm/package-json "Local Paths",
// pnpm.io/workspaces "Workspace protocol"). An install links each into node_modules under its
// name, so Node loads the repository's folder for it (red team R85a F3).
//
// Read from the repository's package.json files, each once (linear). Every package.json names a
// package, in a workspace's glob or not (more, never fewer), as analyze/orm/reach.cpp does for
// allowlisted names. What declares a workspace is read here for both this and the workspace
// discovery of deploy commands (analyze/migrations/deploy_workspaces.hpp, which evaluates the globs).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::orm {

// A workspace root's files besides its package.json: pnpm's (pnpm.io/pnpm-workspace_yaml), lerna's
// (lerna.js.org/docs/api-reference/configuration), nx's. A folder with one is a workspace root.
inline constexpr std::string_view k_workspace_root_files[] = {"pnpm-workspace.yaml", "lerna.json", "nx.json"};

// Whether `path` is one of k_workspace_root_files (at the top or in a folder).
[[nodiscard]] bool workspace_root_file(std::string_view path);

// Whether a package.json declares workspaces (npm's and Yarn's "workspaces", an array or
// {"packages": [...]}): the key anywhere in its text, or, spelt with escapes, at its top.
[[nodiscard]] bool declares_workspaces(std::string_view package_json);

struct WorkspacePackages {
    // Some package.json declares workspaces or a local dependency, or a workspace root file exists.
    bool declared = false;
    std::map<std::string, std::string> folders;  // package name -> its folder ("" the top)
    // A folder -> its entry files as package.json names them ("main", every path in "exports"),
    // relative to the folder ("./index.js"); none: Node's index.*.
    std::map<std::string, std::vector<std::string>> entries;
    std::set<std::string> registry;  // names some package.json depends on by a version range (a registry package)
};

// `manifests`: (repository path, text) of each package.json outside node_modules; `root_files`:
// the paths of the workspace root files (workspace_root_file).
[[nodiscard]] WorkspacePackages workspace_packages(const std::vector<std::pair<std::string, std::string>>& manifests,
                                                   const std::vector<std::string>& root_files);

// The package a bare name loads ("@app/dbh" for "@app/dbh/lib/x", "pg" for "pg/lib/client"),
// and in `rest` the path inside it ("lib/x"; empty for the package itself).
[[nodiscard]] std::string_view package_name(std::string_view spec, std::string_view* rest = nullptr);

// Whether a bare name is one of Node's own modules (`fs`, `node:fs`, `fs/promises`).
[[nodiscard]] bool node_builtin(std::string_view spec);

}  // namespace pgfence::analyze::orm
