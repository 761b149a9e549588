#include "analyze/migrations/config_dirs.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/sequelize_rc.hpp"

namespace pgfence::analyze::tools {
namespace {

bool script_or_json(std::string_view name) {
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json"}) {
        if (name.ends_with(ext) && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// A file names a handful of folders: past this many the rest are not read (tool_dirs.cpp reports
// the file's folders past its own bound as unknown), so each costs one count of lines.
constexpr std::size_t k_most_found = 65;

// Past this many keys or this depth of braces a file is not read further (a settings file has a
// few dozen): the work stays linear and small whatever the file holds.
constexpr std::size_t k_most_depth = 256;

// One pass over JavaScript/TypeScript/JSON text: each `key:` with the key of the object it is in,
// strings and comments skipped. `on_key(key, parent, value_begin, value_end)` gets the value's
// text up to the next ',' or closing bracket at its own depth.
template <typename F>
void keys(std::string_view text, F on_key) {
    std::vector<std::string> stack;
    std::string pending;  // the last key read, whose value may be an object
    std::size_t i = 0;
    auto skip_string = [&](std::size_t at) {
        const char q = text[at];
        std::size_t end = at + 1;
        while (end < text.size() && text[end] != q) end += text[end] == '\\' ? 2 : 1;
        return std::min(end + 1, text.size());
    };
    auto value_end = [&](std::size_t at) {
        int depth = 0;
        while (at < text.size()) {
            const char c = text[at];
            if (c == '\'' || c == '"' || c == '`') {
                at = skip_string(at);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') ++depth;
            else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) break;
                --depth;
            } else if ((c == ',' || c == '\n') && depth == 0) break;
            ++at;
        }
        return at;
    };
    while (i < text.size()) {
        const char c = text[i];
        if (text.substr(i, 2) == "//") {
            std::size_t nl = text.find('\n', i);
            i = nl == std::string_view::npos ? text.size() : nl;
            continue;
        }
        if (text.substr(i, 2) == "/*") {
            std::size_t end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
            continue;
        }
        std::string word;
        std::size_t after = i;
        if (c == '\'' || c == '"') {
            after = skip_string(i);
            word = std::string(text.substr(i + 1, after >= i + 2 ? after - i - 2 : 0));
        } else if (c == '`') {
            i = skip_string(i);
            continue;
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
            while (after < text.size() && (std::isalnum(static_cast<unsigned char>(text[after])) || text[after] == '_' || text[after] == '$')) ++after;
            word = std::string(text.substr(i, after - i));
        } else {
            if (c == '{') {
                stack.push_back(pending);
                if (stack.size() > k_most_depth) return;
            } else if (c == '}' && !stack.empty()) {
                stack.pop_back();
            }
            if (c == '{' || c == '}' || c == ',' || c == ';' || c == '(') pending.clear();
            ++i;
            continue;
        }
        std::size_t colon = after;
        while (colon < text.size() && (text[colon] == ' ' || text[colon] == '\t')) ++colon;
        if (colon < text.size() && text[colon] == ':' && text.substr(colon, 2) != "::") {
            std::size_t v = colon + 1;
            while (v < text.size() && std::isspace(static_cast<unsigned char>(text[v]))) ++v;
            const std::string parent = stack.empty() ? std::string() : stack.back();
            if (v < text.size() && text[v] == '{') {
                pending = word;
                i = v;
                continue;
            }
            const std::size_t end = value_end(v);
            on_key(word, parent, v, end);
            pending.clear();
            i = end;
            continue;
        }
        i = after;
    }
}

int line_at(std::string_view text, std::size_t offset) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n'));
}

// Whether a line of `text` takes `name` from Node's path module, destructured by name: an
// import or require line that names both (`import { join } from 'node:path'`).
bool imports_from_path(std::string_view text, std::string_view name) {
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        const bool from_path = line.find("'path'") != std::string_view::npos || line.find("\"path\"") != std::string_view::npos ||
                               line.find("'node:path'") != std::string_view::npos || line.find("\"node:path\"") != std::string_view::npos;
        if (!from_path || line.find('{') == std::string_view::npos) continue;
        const std::string_view names = line.substr(line.find('{'), line.find('}') == std::string_view::npos ? std::string_view::npos : line.find('}') - line.find('{'));
        for (std::size_t at = names.find(name); at != std::string_view::npos; at = names.find(name, at + 1)) {
            const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$'; };
            const bool before = at > 0 && word(names[at - 1]);
            const bool after = at + name.size() < names.size() && (word(names[at + name.size()]) || names[at + name.size()] == ':');
            if (!before && !after) return true;
        }
    }
    return false;
}

ConfigDir dir(std::string tool, std::string setting, std::string_view text, std::size_t begin, std::size_t end, bool from_project) {
    std::string_view expr = trim(text.substr(begin, end - begin));
    // A TypeScript `as const` / non-null `!` after a constant changes nothing.
    if (expr.ends_with(" as const")) expr = trim(expr.substr(0, expr.size() - 9));
    std::optional<std::string> value = fold_path_expression(expr);
    // `join(__dirname, '..', 'prisma', 'migrations')` with join imported from Node's path module
    // (`import { join } from 'node:path'`, `const { join } = require('path')`): path.join's value.
    if (!value) {
        for (std::string_view call : {"join(", "resolve("}) {
            if (!expr.starts_with(call) || !imports_from_path(text, call.substr(0, call.size() - 1))) continue;
            value = fold_path_expression("path." + std::string(expr));
        }
    }
    return ConfigDir{std::move(tool), std::move(setting), line_at(text, begin), std::move(value), std::string(expr.substr(0, 200)), from_project};
}

// sqlx's run-time Migrator::new(source) (launchbadge/sqlx sqlx-core/src/migrate/migrator.rs: "Creates
// a new instance with the given source", a MigrationSource: &Path, PathBuf; source.rs resolves a
// relative path against the working directory, the crate's root under cargo run). Read:
// Path::new("x"), PathBuf::from("x"), "x", and Path::new(env!("CARGO_MANIFEST_DIR")).join("x").
void read_migrator(std::string_view text, std::vector<ConfigDir>& out) {
    for (std::size_t at = text.find("Migrator::new"); at != std::string_view::npos && out.size() < k_most_found;
         at = text.find("Migrator::new", at + 13)) {
        std::size_t open = at + 13;
        while (open < text.size() && std::isspace(static_cast<unsigned char>(text[open]))) ++open;
        if (open >= text.size() || text[open] != '(') continue;
        // The argument, to its closing parenthesis.
        int depth = 0;
        std::size_t close = open;
        for (; close < text.size(); ++close) {
            if (text[close] == '"') {
                std::size_t e = close + 1;
                while (e < text.size() && text[e] != '"') e += text[e] == '\\' ? 2 : 1;
                close = std::min(e, text.size() - 1);
                continue;
            }
            if (text[close] == '(') ++depth;
            else if (text[close] == ')' && --depth == 0) break;
        }
        std::string_view arg = trim(text.substr(open + 1, std::min(close, text.size()) - open - 1));
        if (arg.starts_with('&')) arg = trim(arg.substr(1));
        std::optional<std::string> value;
        auto literal = [](std::string_view v) -> std::optional<std::string> {
            v = trim(v);
            if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::nullopt;
            std::string_view inner = v.substr(1, v.size() - 2);
            if (inner.find_first_of("\\\"") != std::string_view::npos) return std::nullopt;
            return std::string(inner);
        };
        constexpr std::string_view manifest = "Path::new(env!(\"CARGO_MANIFEST_DIR\")).join(";
        for (std::string_view call : {"Path::new(", "std::path::Path::new(", "PathBuf::from(", "std::path::PathBuf::from("}) {
            if (!value && arg.starts_with(call) && arg.ends_with(")")) value = literal(arg.substr(call.size(), arg.size() - call.size() - 1));
        }
        if (!value && arg.starts_with(manifest) && arg.ends_with(")")) value = literal(arg.substr(manifest.size(), arg.size() - manifest.size() - 1));
        if (!value) value = literal(arg);
        if (value && (value->empty() || value->front() == '/')) value.reset();
        out.push_back(ConfigDir{"sqlx", "Migrator::new", line_at(text, at), value, std::string(arg.substr(0, 200)), true});
    }
}

}  // namespace

bool drizzle_config_name(std::string_view name) {
    return name.starts_with("drizzle") && name.find(".config.") != std::string_view::npos && script_or_json(name);
}

bool prisma_config_name(std::string_view name) {
    return name.starts_with("prisma.config.") && script_or_json(name) && !name.ends_with(".json");
}

bool prisma_config_path(std::string_view path) {
    const std::string_view name = path_name(path);
    if (prisma_config_name(name)) return true;
    return name.starts_with("prisma.") && script_or_json(name) && !name.ends_with(".json") && path_name(path_folder(path)) == ".config";
}

bool drizzle_migrate_text(std::string_view text) { return text.find("migrationsFolder") != std::string_view::npos; }

std::vector<ConfigDir> read_config_dirs(std::string_view path, std::string_view text) {
    std::vector<ConfigDir> out;
    const std::string_view name = path_name(path);
    if (name.ends_with(".rs")) {
        read_migrator(text, out);
        return out;
    }
    const bool drizzle = drizzle_config_name(name), prisma = prisma_config_path(path);
    keys(text, [&](const std::string& key, const std::string& parent, std::size_t begin, std::size_t end) {
        if (out.size() >= k_most_found) return;
        // drizzle-kit's `out`, default "drizzle", resolved from the working directory, where the
        // config is found (drizzle-team/drizzle-orm drizzle-kit/src/cli/commands/utils.ts:
        // drizzleConfigFromFile reads drizzle.config.ts/.js/.json from it; migrateConfig
        // `out: string().optional().default('drizzle')`).
        if (drizzle && key == "out" && parent.empty()) out.push_back(dir("drizzle", "out", text, begin, end, false));
        // Prisma's `migrations: { path }`, relative to the config file's folder (Prisma Config
        // reference, prisma.io/docs/orm/reference/prisma-config-reference: migrations.path).
        else if (prisma && key == "path" && parent == "migrations") out.push_back(dir("prisma", "migrations.path", text, begin, end, false));
        // drizzle-orm's migrate(db, { migrationsFolder }) at run time (drizzle-orm src/migrator.ts
        // readMigrationFiles: `${migrationsFolder}/meta/_journal.json`, each `${tag}.sql`, from
        // the working directory: the project's folder).
        else if (!drizzle && !prisma && key == "migrationsFolder") out.push_back(dir("drizzle", "migrationsFolder", text, begin, end, true));
    });
    return out;
}

}  // namespace pgfence::analyze::tools
