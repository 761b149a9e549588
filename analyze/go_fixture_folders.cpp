#include "analyze/go_fixture_folders.hpp"

#include <array>
#include <optional>
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

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The text of the interpreted string literal starting after the `"` at `at`; `at` moves past its
// closing quote. Escapes are decoded (`\x74est` is "test"); one that is not ASCII becomes '\0'.
std::string interpreted(std::string_view text, std::size_t& at) {
    std::string out;
    while (at < text.size() && text[at] != '"' && text[at] != '\n') {
        if (text[at] != '\\' || at + 1 >= text.size()) {
            out += text[at++];
            continue;
        }
        const char e = text[at + 1];
        at += 2;
        std::size_t digits = 0;
        int base = 16;
        if (e == 'x') digits = 2;
        else if (e == 'u') digits = 4;
        else if (e == 'U') digits = 8;
        else if (e >= '0' && e <= '7') {
            base = 8;  // three octal digits, this one the first
            digits = 3;
            --at;
        } else {
            out += e == '\\' || e == '"' || e == '\'' ? e : '\0';  // `\n`, `\t`...: no letter of a name
            continue;
        }
        unsigned long value = 0;
        for (std::size_t i = 0; i < digits && at < text.size(); ++i, ++at) {
            const int v = hex_value(text[at]);
            if (v < 0 || v >= base) break;
            value = value * base + static_cast<unsigned>(v);
        }
        out += value < 0x80 ? static_cast<char>(value) : '\0';
    }
    if (at < text.size()) ++at;
    return out;
}

// Which of the fixture names a string literal of `text` may build: one that is a non-empty
// piece of a name's start or end (`"test"+"data"`, `"test" + suffix`). Comments and rune
// literals are skipped, so a quote in them starts no string.
template <class F>
void each_literal(std::string_view text, F piece) {
    for (std::size_t at = 0; at < text.size();) {
        const char c = text[at];
        if (c == '/' && at + 1 < text.size() && text[at + 1] == '/') {
            at = text.find('\n', at);
        } else if (c == '/' && at + 1 < text.size() && text[at + 1] == '*') {
            at = text.find("*/", at + 2);
            if (at != std::string_view::npos) at += 2;
        } else if (c == '\'') {
            at = at + 1 < text.size() && text[at + 1] == '\\' ? at + 3 : at + 2;
            at = text.find('\'', at);
            if (at != std::string_view::npos) ++at;
        } else if (c == '`') {
            const std::size_t end = text.find('`', at + 1);
            piece(text.substr(at + 1, end == std::string_view::npos ? std::string_view::npos : end - at - 1));
            at = end == std::string_view::npos ? end : end + 1;
        } else if (c == '"') {
            ++at;
            piece(interpreted(text, at));
        } else {
            ++at;
        }
        if (at == std::string_view::npos) break;
    }
}

void literal_pieces(std::string_view text, std::set<std::string>& named) {
    each_literal(text, [&](std::string_view lit) {
        if (lit.empty()) return;
        for (std::string_view n : k_fixture_names) {
            if (n.starts_with(lit) || n.ends_with(lit)) named.emplace(n);
        }
    });
}

// A string literal of `text` that may start the name `testdata` (`"test"+"data"`, `"te" + rest`):
// of two letters or more, as a literal "a" or "data" is common and ends nothing built.
bool may_start_testdata(std::string_view text) {
    bool found = false;
    each_literal(text, [&](std::string_view lit) {
        found = found || (lit.size() >= 2 && std::string_view("testdata").starts_with(lit));
    });
    return found;
}

}  // namespace

const GoFixtureFolders::Module& GoFixtureFolders::read_module(const fs::path& module) {
    auto [it, fresh] = m_modules.try_emplace(module.generic_string());
    if (!fresh) return it->second;
    std::set<std::string>& named = it->second.named;
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
        literal_pieces(*text, named);
        // Any `//go:embed` line, whatever its patterns (`*`, `[st]*`, `all:*`): its package's
        // folder and the folders below it are embedded as far as pgfence knows.
        if (text->find("//go:embed") != std::string::npos) {
            it->second.embed_dirs.insert(walk->path().parent_path().lexically_relative(module).generic_string());
        }
    }
    if (ec) name_all();
    return it->second;
}

bool GoFixtureFolders::package_names(const fs::path& folder, bool embed_only) {
    const std::string key = folder.generic_string() + (embed_only ? "\n" : "");
    if (auto it = m_packages.find(key); it != m_packages.end()) return it->second;
    bool named = false;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto it = fs::directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::directory_iterator() && !named; it.increment(ec)) {
        if (++seen > k_most_package_entries) {
            named = true;  // not read whole: it may name it
            break;
        }
        const std::string file = it->path().filename().string();
        if (!file.ends_with(".go") || file.ends_with("_test.go")) continue;
        std::error_code e;
        if (it->is_symlink(e)) {
            named = true;  // what a link's file names is not known
            break;
        }
        auto text = read_regular_file(it->path().string(), k_go_file_max_bytes, "a Go file");
        if (!text) {
            named = true;
            break;
        }
        if (text->find("//go:embed") != std::string::npos) named = true;
        if (embed_only) continue;
        named = named || names_word(*text, "testdata") || may_start_testdata(*text);
    }
    if (ec) named = true;
    m_packages.emplace(key, named);
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
        if (fs::exists(up / "go.mod", ec)) {
            const Module& read = read_module(up);
            if (read.named.contains(name)) return false;
            // A `//go:embed` in the folder that holds `dir` or one above it, within the module.
            for (fs::path in = normal(dir.parent_path()).lexically_relative(up);; in = in.parent_path()) {
                if (read.embed_dirs.contains(in.empty() ? "." : in.generic_string())) return false;
                if (in.empty() || in == ".") break;
            }
            return true;
        }
        if (up == up.parent_path()) break;
    }
    // The project's own `testdata` (no go.mod between it and the folder walked; fider's
    // app/pkg/dbx/testdata/migration_failure, a deliberately broken migration for its runner's
    // test): the go tool ignores it (`go help packages`: "Directory and file names that begin
    // with "." or "_" are ignored by the go tool, as are directories named "testdata"."), and
    // only its package's code may read it at run time. Left out unless a non-test .go file of
    // the folder that holds it names it (as a word, or a piece of it in a string literal) or a
    // `//go:embed` line in that folder or one above it within the walk may embed it; a tool whose
    // settings or command name it still walks it from there (tool_dir_inputs.cpp).
    if (name != "testdata") return false;
    const fs::path parent = normal(dir.parent_path());
    if (package_names(parent, false)) return false;
    if (parent == walked) return true;
    for (fs::path up = parent.parent_path(); !up.empty() && up.has_relative_path() && normal(up) != walked; up = up.parent_path()) {
        if (package_names(up, true)) return false;
        if (up == up.parent_path()) break;
    }
    return !package_names(walked, true);
}

}  // namespace pgfence::analyze
