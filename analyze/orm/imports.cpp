#include "analyze/orm/imports.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace pgfence::analyze::orm {

namespace fs = std::filesystem;

namespace {

// Nothing from `root` down to `path` (both lexically normal, path under root) is a link, and path
// is a regular file.
bool plain_file_under(const fs::path& root, const fs::path& path) {
    std::error_code ec;
    fs::path at = root;
    for (const auto& part : path.lexically_relative(root)) {
        at /= part;
        if (fs::is_symlink(fs::symlink_status(at, ec))) return false;
    }
    return fs::is_regular_file(fs::symlink_status(path, ec));
}

bool under(const fs::path& root, const fs::path& path) {
    fs::path rel = path.lexically_relative(root);
    return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

}  // namespace

std::optional<std::string> resolve_import(std::string_view script, std::string_view spec) {
    if (!(spec.starts_with("./") || spec.starts_with("../")) || spec.find('\0') != std::string_view::npos) return std::nullopt;
    std::error_code ec;
    fs::path file = fs::absolute(fs::path(script), ec).lexically_normal();
    if (ec) return std::nullopt;
    fs::path dir = file.parent_path();
    fs::path root = dir;
    for (fs::path up = dir; !up.empty(); up = up.parent_path()) {
        if (fs::exists(fs::symlink_status(up / ".git", ec))) {
            root = up;
            break;
        }
        if (up == up.parent_path()) break;
    }
    fs::path base = (dir / fs::path(spec)).lexically_normal();
    for (std::string_view suffix : {"", ".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", "/index.ts", "/index.js"}) {
        fs::path candidate = fs::path(base.string() + std::string(suffix)).lexically_normal();
        if (under(root, candidate) && plain_file_under(root, candidate)) return candidate.string();
    }
    return std::nullopt;
}

std::optional<std::string> read_limited(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text;
    text.resize(limit + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    auto got = static_cast<std::size_t>(in.gcount());
    if (got > limit) return std::nullopt;
    text.resize(got);
    return text;
}

// `import { a, b as c } from 'x'`, `import d from 'x'`, `const a = require('x')`,
// `const { a } = require('x')`: the module each name comes from, for the notes.
ImportedNames imported_names(const std::vector<Token>& t) {
    ImportedNames out;
    auto is = [&](std::size_t i, std::string_view s) { return i < t.size() && t[i].kind != TokenKind::String && t[i].text == s; };
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (is(i, "import") || is(i, "const") || is(i, "let") || is(i, "var")) {
            std::vector<std::pair<std::string, std::string>> names;  // local, remote
            bool braces = false, require = false;
            std::string remote;  // `a as b`, `a: b`: a
            std::size_t j = i + 1;
            for (; j < t.size() && j < i + 64; ++j) {
                if (t[j].kind == TokenKind::String) break;
                braces = braces || is(j, "{");
                require = require || is(j, "require");
                if (is(j, "*") && is(j + 1, "as")) remote = "*";
                if (t[j].kind == TokenKind::Ident && (is(j + 1, "as") || is(j + 1, ":"))) remote = t[j].text;
                if (t[j].kind == TokenKind::Ident && t[j].text != "from" && t[j].text != "as" && t[j].text != "type" &&
                    t[j].text != "require" && t[j].text != "import" && !is(j + 1, "as") && !is(j + 1, ":")) {
                    names.emplace_back(t[j].text, remote.empty() ? (braces ? t[j].text : std::string()) : remote);
                    remote.clear();
                }
                if (is(j, ";") || (is(j, "=") && !is(j + 1, "require"))) break;
            }
            if (j < t.size() && t[j].kind == TokenKind::String) {
                for (auto& [local, from] : names) {
                    if (from.empty()) from = require ? "*" : "default";
                    out[local] = Import{t[j].string.value, from};
                }
            }
        }
    }
    return out;
}

}  // namespace pgfence::analyze::orm
