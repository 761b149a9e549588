#include "analyze/orm/imports.hpp"

#include "analyze/orm/aliases.hpp"

#include <algorithm>
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

namespace {

// `"main": "..."` of a package.json (the first such key; pgfence reads no more of it).
std::optional<std::string> package_main(const fs::path& package_json) {
    auto text = read_limited(package_json.string(), 64 * 1024);
    if (!text) return std::nullopt;
    std::size_t at = text->find("\"main\"");
    if (at == std::string::npos) return std::nullopt;
    at = text->find_first_not_of(" \t\r\n", at + 6);
    if (at == std::string::npos || (*text)[at] != ':') return std::nullopt;
    at = text->find_first_not_of(" \t\r\n", at + 1);
    if (at == std::string::npos || (*text)[at] != '"') return std::nullopt;
    std::size_t end = text->find('"', at + 1);
    if (end == std::string::npos || text->find('\\', at) < end) return std::nullopt;
    return text->substr(at + 1, end - at - 1);
}

struct Resolver {
    fs::path root;
    std::string* why;

    bool file(const fs::path& p) const { return under(root, p) && plain_file_under(root, p); }
    bool exists(const fs::path& p) const {
        std::error_code ec;
        return fs::exists(fs::symlink_status(p, ec));
    }
    // LOAD_AS_FILE(X): X, then X with the extensions require() knows. Node tries .js, .json,
    // .node in that order (lib/internal/modules/cjs/loader.js, Module._extensions); ts-node
    // registers .ts/.mts/.cts after them (and reorders them first with preferTsExts), and the
    // compiled .js of a TypeScript project may be what runs: when the .js and a TypeScript file
    // both exist which one runs depends on the runner, so the import is ambiguous (nullopt, `why`).
    std::optional<std::string> as_file(const fs::path& base) const {
        if (file(base)) return base.string();
        std::vector<fs::path> found;
        for (std::string_view ext : {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".json", ".node"}) {
            fs::path candidate = fs::path(base.string() + std::string(ext)).lexically_normal();
            if (exists(candidate)) found.push_back(candidate);
        }
        if (found.size() > 1) {
            if (why) *why = " (both " + found[0].filename().string() + " and " + found[1].filename().string() +
                            " exist: which one runs depends on the runner, Node's require() or ts-node)";
            return std::nullopt;
        }
        if (found.size() == 1 && file(found[0])) return found[0].string();
        return std::nullopt;
    }
    // LOAD_AS_DIRECTORY(X): package.json "main" (as a file, then its index), else X/index.
    std::optional<std::string> as_directory(const fs::path& dir) const {
        std::error_code ec;
        if (!fs::is_directory(fs::symlink_status(dir, ec))) return std::nullopt;
        if (file(dir / "package.json")) {
            if (auto main = package_main(dir / "package.json")) {
                fs::path m = (dir / *main).lexically_normal();
                if (auto f = as_file(m)) return f;
                if (why && !why->empty()) return std::nullopt;
                if (auto f = as_file(m / "index")) return f;
                if (why && !why->empty()) return std::nullopt;
            }
        }
        return as_file(dir / "index");
    }
};

// A path alias (aliases.hpp): the file each settings file that maps it loads, the first of its
// targets that exists, as TypeScript and tsconfig-paths try them; known when they all agree. A
// name no target of any file resolves is a package after all (both fall back to node_modules).
std::optional<std::string> resolve_alias(const fs::path& dir, const fs::path& root, std::string_view spec, std::string* why) {
    const AliasTargets a = alias_targets(dir, root, spec);
    auto fail = [&](std::string w) -> std::optional<std::string> {
        if (why) *why = std::move(w);
        return std::nullopt;
    };
    // A `#` name is never a package: Node loads what package.json "imports" maps it to, or fails
    // (ERR_PACKAGE_IMPORT_NOT_DEFINED), unless a loader hook maps it.
    if (!a.matched && spec.starts_with("#")) return fail(" (a path alias no package.json \"imports\" maps)");
    if (!a.matched) return std::nullopt;
    if (!a.why.empty()) return fail(" (a path alias" + a.why + ")");
    std::optional<std::string> agreed;
    bool missed = false;
    for (const auto& tries : a.candidates) {
        std::optional<std::string> got;
        for (const fs::path& base : tries) {
            if (!under(root, base)) continue;
            std::string ambiguous;
            Resolver r{root, &ambiguous};
            got = r.as_file(base);
            if (!got && ambiguous.empty()) got = r.as_directory(base);
            if (!ambiguous.empty()) return fail(ambiguous);
            if (got) break;
        }
        if (!got) {
            missed = true;
            continue;
        }
        if (agreed && *agreed != *got) return fail(" (a path alias the project's settings files map to different files, " + *agreed + " and " + *got + ")");
        agreed = got;
    }
    if (agreed && missed) return fail(" (a path alias one of the project's settings files maps to " + *agreed + " and another to no file of the repository)");
    if (!agreed && spec.starts_with("#")) return fail(" (a path alias package.json maps to no file of the repository)");
    return agreed;
}

}  // namespace

// Node's require(X) of a relative X from a module in Y (nodejs/node doc/api/modules.md, "All
// together": LOAD_AS_FILE(Y + X), then LOAD_AS_DIRECTORY(Y + X)), inside the repository only.
std::optional<std::string> resolve_import(std::string_view script, std::string_view spec, std::string* why) {
    if (why) why->clear();
    if (spec.find('\0') != std::string_view::npos) return std::nullopt;
    const bool relative = spec.starts_with("./") || spec.starts_with("../");
    if (!relative && (spec.empty() || spec.starts_with(".") || spec.starts_with("/") || spec.starts_with("node:"))) return std::nullopt;
    std::error_code ec;
    fs::path file = fs::absolute(fs::path(script), ec).lexically_normal();
    if (ec) return std::nullopt;
    fs::path dir = file.parent_path();
    fs::path root;
    for (fs::path up = dir; !up.empty(); up = up.parent_path()) {
        if (fs::exists(fs::symlink_status(up / ".git", ec))) {
            root = up;
            break;
        }
        if (up == up.parent_path()) break;
    }
    // No checkout (a `git archive` tree, a tarball): the folder pgfence runs in stands for the
    // repository's top when the script lies inside it, as for the settings files
    // (analyzer_files.cpp flyway_settings_beside); so `../utils` reads the same with or without
    // .git (stranger review 86, class F). Else the script's own folder, as before.
    if (root.empty()) {
        const fs::path here = fs::current_path(ec);
        const fs::path inside = ec ? fs::path() : file.lexically_relative(here);
        root = !ec && here != here.root_path() && !inside.empty() && *inside.begin() != ".." ? here : dir;
    }
    if (!relative) return resolve_alias(dir, root, spec, why);
    fs::path base = (dir / fs::path(spec)).lexically_normal();
    if (!under(root, base)) return std::nullopt;
    Resolver r{root, why};
    if (auto f = r.as_file(base)) return f;
    if (why && !why->empty()) return std::nullopt;
    return r.as_directory(base);
}

std::optional<std::string> read_limited(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    // In pieces: a buffer of the whole limit (16 MiB for the modules a migration loads) would be
    // zeroed for every small file.
    std::string text;
    char piece[1 << 16];
    while (in && text.size() <= limit) {
        in.read(piece, static_cast<std::streamsize>(std::min(sizeof piece, limit + 1 - text.size())));
        text.append(piece, static_cast<std::size_t>(in.gcount()));
        if (in.gcount() == 0) break;
    }
    if (text.size() > limit) return std::nullopt;
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
