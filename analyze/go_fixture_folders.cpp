#include "analyze/go_fixture_folders.hpp"

#include <array>
#include <string_view>
#include <system_error>

#include "analyze/base/regular_file.hpp"

namespace fs = std::filesystem;

namespace pgfence::analyze {
namespace {

constexpr std::array<std::string_view, 2> k_fixture_names = {"stub", "testdata"};
constexpr std::uintmax_t k_go_file_max_bytes = 4 * 1024 * 1024;

bool word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// Whether `text` holds `word` with no letter, digit or '_' on either side.
bool names_word(std::string_view text, std::string_view word) {
    for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
        const bool before = at > 0 && word_char(text[at - 1]);
        const bool after = at + word.size() < text.size() && word_char(text[at + word.size()]);
        if (!before && !after) return true;
    }
    return false;
}

}  // namespace

const std::set<std::string>& GoFixtureFolders::named_in(const fs::path& module) {
    auto [it, fresh] = m_named.try_emplace(module.generic_string());
    if (!fresh) return it->second;
    std::set<std::string>& named = it->second;
    const auto name_all = [&] {
        for (std::string_view n : k_fixture_names) named.emplace(n);
    };
    std::error_code ec;
    for (auto walk = fs::recursive_directory_iterator(module, fs::directory_options::skip_permission_denied, ec);
         !ec && walk != fs::recursive_directory_iterator(); walk.increment(ec)) {
        if (named.size() == k_fixture_names.size()) break;
        std::error_code e;
        if (walk->is_directory(e) && !walk->is_symlink(e)) {
            // Another module's files are its own (`go help modules`); its folders are not this one's.
            if (fs::exists(walk->path() / "go.mod", e)) walk.disable_recursion_pending();
            continue;
        }
        const std::string file = walk->path().filename().string();
        if (!file.ends_with(".go") || file.ends_with("_test.go")) continue;
        // A link or a file too large to read: what it names is not known, so it names them all.
        if (walk->is_symlink(e)) {
            name_all();
            break;
        }
        auto text = read_regular_file(walk->path().string(), k_go_file_max_bytes, "a Go file");
        if (!text) {
            name_all();
            break;
        }
        for (std::string_view n : k_fixture_names) {
            if (names_word(*text, n)) named.emplace(n);
        }
    }
    if (ec) name_all();
    return named;
}

bool GoFixtureFolders::leave_out(const fs::path& dir) {
    const std::string name = dir.filename().string();
    bool fixture = false;
    for (std::string_view n : k_fixture_names) fixture = fixture || name == n;
    if (!fixture) return false;
    // The nearest go.mod above `dir`, below the folder walked.
    std::error_code ec;
    // As written, without a trailing '/' (`analyze repo/` walks `repo/x`, whose parent is `repo`).
    const auto normal = [](const fs::path& p) {
        fs::path n = p.lexically_normal();
        return n.has_filename() || !n.has_parent_path() ? n : n.parent_path();
    };
    const fs::path walked = normal(m_walked);
    for (fs::path up = normal(dir.parent_path()); !up.empty() && up != walked && up.has_relative_path(); up = up.parent_path()) {
        if (fs::exists(up / "go.mod", ec)) return !named_in(up).contains(name);
        if (up == up.parent_path()) break;
    }
    return false;
}

}  // namespace pgfence::analyze
