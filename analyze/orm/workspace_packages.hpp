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
// allowlisted names. A small interface, to be unified with the workspace discovery of deploy
// commands (analyze/migrations/deploy_workspaces.hpp), which evaluates the workspace globs.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::orm {

struct WorkspacePackages {
    // Some package.json declares workspaces or a local dependency, or a pnpm-workspace.yaml exists.
    bool declared = false;
    std::map<std::string, std::string> folders;  // package name -> its folder ("" the top)
    // A folder -> its entry files as package.json names them ("main", every path in "exports"),
    // relative to the folder ("./index.js"); none: Node's index.*.
    std::map<std::string, std::vector<std::string>> entries;
    std::set<std::string> registry;  // names some package.json depends on by a version range (a registry package)
};

// `manifests`: (repository path, text) of each package.json outside node_modules; `pnpm_files`:
// the paths of the pnpm-workspace.yaml files.
[[nodiscard]] WorkspacePackages workspace_packages(const std::vector<std::pair<std::string, std::string>>& manifests,
                                                   const std::vector<std::string>& pnpm_files);

// The package a bare name loads ("@app/dbh" for "@app/dbh/lib/x", "pg" for "pg/lib/client"),
// and in `rest` the path inside it ("lib/x"; empty for the package itself).
[[nodiscard]] std::string_view package_name(std::string_view spec, std::string_view* rest = nullptr);

// Whether a bare name is one of Node's own modules (`fs`, `node:fs`, `fs/promises`).
[[nodiscard]] bool node_builtin(std::string_view spec);

}  // namespace pgfence::analyze::orm
