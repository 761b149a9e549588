#pragma once
// `pgfence pr` and the files a release tool's settings load (issue #53 cfg88): a semantic-release or
// release-it config's `extends` to a local file and semantic-release's plugins given as a path
// (analyze/migrations/deploy_release_config.cpp reads them for the deploy commands that run the
// tool). A pull request that changes only such a file changes what the release runs: it is part
// of the settings surface, as a module a knexfile requires is.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analyze/base/error.hpp"
#include "bot/tool_settings_surface.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

struct ReleaseLoaded {
    std::string file;  // repository path
    std::string why;   // ".releaserc.json:1 extends it", printable
};

// The local files the release configs of `commit` load (.releaserc*, release.config.*,
// .release-it.*, package.json's "release" and "release-it"), and those the loaded ones load in
// turn (8 steps deep, a few hundred files at most); only files the commit holds.
[[nodiscard]] analyze::Result<std::vector<ReleaseLoaded>> release_loaded_files(const diff::Repository& repo, const std::string& commit,
                                                                             std::uint64_t max_bytes);
// The same added to a settings surface's files (an entry already there stays); true.
[[nodiscard]] analyze::Result<bool> add_release_loaded(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                                       std::map<std::string, SurfaceFile>& files);

}  // namespace pgfence::bot
