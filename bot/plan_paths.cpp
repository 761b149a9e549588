#include "bot/plan_paths.hpp"

#include <filesystem>
#include <string_view>

#include "analyze/plan/plan.hpp"

namespace pgfence::bot {

namespace fs = std::filesystem;

namespace {

// The folder `original`'s paths are taken relative to, as written in `original` ("" if none).
std::string root_of(const std::string& original) {
    const fs::path file(original);
    if (!file.is_absolute()) return {};
    std::error_code ec;
    for (fs::path up = file.parent_path(); !up.empty(); up = up.parent_path()) {
        if (fs::exists(fs::symlink_status(up / ".git", ec))) return up.generic_string();
        if (up == up.parent_path()) break;
    }
    const std::string cwd = fs::current_path(ec).generic_string();
    if (!ec && cwd != "/" && original.starts_with(cwd + "/")) return cwd;
    return {};
}

}  // namespace

std::string plan_output_path(const std::string& original, const std::string& step_path) {
    std::string root = root_of(original);
    while (root.size() > 1 && root.ends_with('/')) root.pop_back();
    if (root.empty() || root == "/") return analyze::plan_relative_path(step_path);
    // The composer writes later-release/ and after-out-of-band/ migrations as the folder followed
    // by the original's path without its leading "/".
    const std::string_view bare = std::string_view(root).substr(root.find_first_not_of('/'));
    for (std::string_view prefix : {"", "later-release/", "after-out-of-band/"}) {
        if (!std::string_view(step_path).starts_with(prefix)) continue;
        std::string_view rest = std::string_view(step_path).substr(prefix.size());
        for (std::string_view base : {std::string_view(root), bare}) {
            if (rest.size() > base.size() && rest.starts_with(base) && rest[base.size()] == '/') {
                return analyze::plan_relative_path(std::string(prefix) + std::string(rest.substr(base.size() + 1)));
            }
        }
    }
    return analyze::plan_relative_path(step_path);
}

}  // namespace pgfence::bot
