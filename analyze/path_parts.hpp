#pragma once
// A path's parts as written, split at its last '/': no file-system call and no normalisation,
// for the per-file questions asked of names (a migration's tool, order and set).
#include <cstddef>
#include <string_view>

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

}  // namespace pgfence::analyze
