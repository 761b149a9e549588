#include "diff/link_targets.hpp"

#include <algorithm>

namespace pgfence::diff {

namespace {

// `folder` + "/" + `text` with "." and ".." taken as a path walk takes them; nothing when the
// walk leaves the top.
bool normalise(std::string_view folder, std::string_view text, std::string& out) {
    std::vector<std::string> parts;
    auto walk = [&](std::string_view path) {
        std::size_t at = 0;
        while (at <= path.size()) {
            std::size_t end = path.find('/', at);
            if (end == std::string_view::npos) end = path.size();
            std::string_view part = path.substr(at, end - at);
            at = end + 1;
            if (part.empty() || part == ".") continue;
            if (part == "..") {
                if (parts.empty()) return false;
                parts.pop_back();
                continue;
            }
            parts.emplace_back(part);
        }
        return true;
    };
    if (!walk(folder) || !walk(text)) return false;
    out.clear();
    for (const auto& part : parts) {
        if (!out.empty()) out += '/';
        out += part;
    }
    return true;
}

}  // namespace

std::vector<LinkInside> links_inside(const std::vector<std::pair<std::string, std::string>>& links) {
    std::vector<LinkInside> out;
    for (const auto& [path, text] : links) {
        // An absolute target, or one with a NUL (no path), leaves the repository: never followed.
        if (text.empty() || text.front() == '/' || text.find('\0') != std::string::npos) continue;
        const std::size_t slash = path.rfind('/');
        const std::string_view folder = slash == std::string::npos ? std::string_view{} : std::string_view(path).substr(0, slash);
        std::string target;
        if (!normalise(folder, text, target)) continue;  // `..` above the top
        if (target == path) continue;                     // a link to itself leads nowhere
        out.push_back(LinkInside{path, std::move(target)});
    }
    return out;
}

std::vector<std::string> paths_through_links(const std::vector<LinkInside>& links, std::string_view path) {
    std::vector<std::string> out;
    for (const auto& l : links) {
        if (path == l.target) {
            out.push_back(l.link);
        } else if (l.target.empty()) {
            out.push_back(l.link + "/" + std::string(path));
        } else if (path.size() > l.target.size() && path.starts_with(l.target) && path[l.target.size()] == '/') {
            out.push_back(l.link + std::string(path.substr(l.target.size())));
        }
    }
    return out;
}

std::vector<std::string> paths_through_links_deep(const std::vector<LinkInside>& links, std::string_view path) {
    std::vector<std::string> out;
    std::vector<std::string> frontier{std::string(path)};
    for (int hop = 0; hop < k_link_hops && !frontier.empty(); ++hop) {
        std::vector<std::string> next;
        for (const auto& from : frontier) {
            for (auto& alias : paths_through_links(links, from)) {
                if (alias == path || std::find(out.begin(), out.end(), alias) != out.end()) continue;  // a loop
                if (out.size() >= k_most_link_paths) return out;
                out.push_back(alias);
                next.push_back(std::move(alias));
            }
        }
        frontier = std::move(next);
    }
    return out;
}

Result<std::vector<LinkInside>> links_of(const Repository& repo, const std::string& base, const std::string& head) {
    std::vector<LinkInside> out;
    for (const std::string* side : {&base, &head}) {
        auto listed = repo.list_links(*side);
        if (!listed) return listed.error();
        for (auto& l : links_inside(*listed)) out.push_back(std::move(l));
    }
    return out;
}

}  // namespace pgfence::diff
