#include "analyze/migrations/yarn_release.hpp"

#include <cctype>

#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {

std::vector<std::pair<int, std::string>> yarn_release_lines(std::string_view rc_path, std::string_view text) {
    std::vector<std::pair<int, std::string>> out;
    if (path_name(rc_path) != ".yarnrc.yml") return out;
    int n = 0;
    for (std::size_t at = 0; at <= text.size() && out.size() < 16;) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        // A top-level key only (an indented one is another key's), as `yarn set version` writes it.
        if (!line.starts_with("yarnPath:")) continue;
        std::string_view v = line.substr(9);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        if (v.starts_with("./")) v.remove_prefix(2);
        // A literal relative path, one folder deep in .yarn/releases/: no environment variable
        // (Yarn expands `${X}` in rc values), no `..`, no comment, no escape, nothing YAML would read otherwise.
        constexpr std::string_view k_releases = ".yarn/releases/";
        if (!v.starts_with(k_releases)) continue;
        const std::string_view file = v.substr(k_releases.size());
        bool literal = !file.empty() && file != "." && file != "..";
        for (char c : file) {
            if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_')) literal = false;
        }
        if (!literal) continue;
        const std::string_view folder = path_folder(rc_path);
        out.emplace_back(n, (folder.empty() ? std::string() : std::string(folder) + "/") + std::string(v));
    }
    return out;
}

}  // namespace pgfence::analyze::tools
