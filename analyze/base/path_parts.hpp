#pragma once
// A path's parts as written, split at its last '/': no file-system call and no normalisation,
// for the per-file questions asked of names (a migration's tool, order and set).
#include <cstddef>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace pgfence::analyze {

// What precedes the last '/' ("" for a bare name, and for a name right under the root).
[[nodiscard]] inline std::string_view path_folder(std::string_view path) {
    std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// What follows the last '/' (the whole path when it has none).
[[nodiscard]] inline std::string_view path_name(std::string_view path) {
    std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The working directory, read once: pgfence never changes it, and fs::absolute asks the kernel
// for it on every call (once per analysed file). Empty when it cannot be read.
[[nodiscard]] inline const std::filesystem::path& working_directory() {
    static const std::filesystem::path cwd = [] {
        std::error_code ec;
        std::filesystem::path here = std::filesystem::current_path(ec);
        return ec ? std::filesystem::path() : here;
    }();
    return cwd;
}

// `path` made absolute against working_directory() (as written when that is unknown).
[[nodiscard]] inline std::filesystem::path absolute_path(const std::filesystem::path& path) {
    if (path.is_absolute() || working_directory().empty()) return path;
    return working_directory() / path;
}

}  // namespace pgfence::analyze
