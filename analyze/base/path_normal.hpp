#pragma once
// A repository path normalised as text (no file-system call), for paths a file names relative to
// its own folder: a require(), a package.json's `file:` dependency.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze {

// `path`'s parts joined by '/', without empty and `.` parts, each `..` taking off the part before
// it: "a/b" for "./a//c/../b". Nothing when a `..` leads above the start. Linear in the path.
[[nodiscard]] inline std::optional<std::string> normal_path(std::string_view path) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (part == "..") {
            if (parts.empty()) return std::nullopt;
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out;
    for (const auto p : parts) {
        if (!out.empty()) out += '/';
        out += p;
    }
    return out;
}

}  // namespace pgfence::analyze
