#pragma once
// Links inside the repository that the migration tools read through (issue #53, red team h2):
// a tool whose migrations folder (or settings file) is a symbolic link runs the files of the
// link's target, so a file the pull request adds or changes under the target is a migration of
// that tool, reached at the link's path. Only links whose target stays inside the repository are
// followed; a link that leaves it (absolute, or `..` above the top) is never read through, and
// a link among the migrations is itself reported (diff/changes.hpp).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diff/repository.hpp"

namespace pgfence::diff {

struct LinkInside {
    std::string link;    // the link's path, relative to the repository's top
    std::string target;  // where it leads, relative to the top ("" is the top itself)
};

// The links of `links` ((path, text) as Repository::list_links gives them) whose target, taken
// from the link's folder as the kernel does, stays inside the repository.
[[nodiscard]] std::vector<LinkInside> links_inside(const std::vector<std::pair<std::string, std::string>>& links);

// The paths at which `path` is also reached through one of `links`: for a link to a folder
// holding `path`, the link's path joined with the rest; for a link to `path` itself, the link.
[[nodiscard]] std::vector<std::string> paths_through_links(const std::vector<LinkInside>& links, std::string_view path);

// paths_through_links, then again from each path found, as a path walk follows a link that
// leads through another (`db -> vendor/schema`, `vendor -> third_party`): at most
// k_link_hops links deep and k_most_link_paths paths, so no set of links costs more.
inline constexpr int k_link_hops = 8;
inline constexpr std::size_t k_most_link_paths = 64;
[[nodiscard]] std::vector<std::string> paths_through_links_deep(const std::vector<LinkInside>& links, std::string_view path);

// links_inside of both commits' links (the base's, which the merged setup reads through, and the head's).
[[nodiscard]] Result<std::vector<LinkInside>> links_of(const Repository& repo, const std::string& base, const std::string& head);

}  // namespace pgfence::diff
