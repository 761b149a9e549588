#include "analyze/migrations/sqlx_crate.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

#include "analyze/migrations/conventions.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {
namespace {

namespace fs = std::filesystem;

// How far above a migration folder its crate is looked for, how many entries of the crate are
// walked for Rust files, and how large a Rust file or Cargo.toml is read: a crate's migrate!
// lies in its src/, near the top.
constexpr int k_most_levels = 8;
constexpr std::size_t k_most_entries = 5000;
constexpr std::uintmax_t k_most_bytes = 1024 * 1024;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string normal(const fs::path& p) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(p, ec);
    return (ec ? fs::absolute(p, ec) : resolved).lexically_normal().generic_string();
}

// `migrate!()` and `migrate!( )`: the crate's ./migrations (launchbadge/sqlx
// sqlx-macros-core/src/migrate.rs, expand: with no argument the path is "./migrations", resolved
// against CARGO_MANIFEST_DIR).
std::vector<int> default_migrate_lines(std::string_view text) {
    std::vector<int> out;
    for (std::size_t at = text.find("migrate!"); at != std::string_view::npos; at = text.find("migrate!", at + 8)) {
        std::size_t k = at + 8;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
        if (k >= text.size() || text[k] != '(') continue;
        ++k;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
        if (k < text.size() && text[k] == ')') out.push_back(1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')));
    }
    return out;
}

struct Named {
    std::string folder;  // absolute, normal; "" when computed
    std::string where;   // "src/main.rs:6 sqlx::migrate!("migrations/postgresql")", printable
};

// What the crate's Rust files say: the folders sqlx::migrate! and Migrator::new name (read by
// tool_dirs.cpp read_rust and config_dirs.cpp, which cite sqlx), relative to the crate's root.
std::vector<Named> named_folders(const fs::path& crate, const std::string& confine_to) {
    std::vector<Named> out;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto it = fs::recursive_directory_iterator(crate, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (++seen > k_most_entries) break;
        const std::string name = it->path().filename().string();
        if (it->is_symlink(ec)) continue;
        if (it->is_directory(ec)) {
            if (name == "target" || name == "node_modules" || name.starts_with('.')) it.disable_recursion_pending();
            continue;
        }
        if (!name.ends_with(".rs") || !it->is_regular_file(ec)) continue;
        if (!confine_to.empty() && !path_inside(it->path().string(), confine_to)) continue;
        auto text = read_regular_file(it->path().string(), k_most_bytes, "a Rust file");
        if (!text || text->find("igrat") == std::string::npos) continue;
        const std::string rel = fs::relative(it->path(), crate, ec).generic_string();
        if (ec) continue;
        for (const auto& d : read_tool_dirs(rel, *text)) {
            if (d.tool != "sqlx") continue;
            Named n;
            n.where = rel + ":" + std::to_string(d.line) + " (" + d.setting + ")";
            if (d.unknown.empty()) n.folder = normal(crate / d.folder);
            out.push_back(std::move(n));
        }
        for (int line : default_migrate_lines(*text)) {
            out.push_back(Named{normal(crate / "migrations"), rel + ":" + std::to_string(line) + " (migrate!(), ./migrations)"});
        }
    }
    return out;
}

}  // namespace

// Cargo's manifest format (doc.rust-lang.org/cargo/reference/specifying-dependencies.html): a
// dependency is a key of a [dependencies], [dev-dependencies], [build-dependencies],
// [target.<cfg>.dependencies] or [workspace.dependencies] table, or a table of its own
// ([dependencies.sqlx]); `package = "sqlx"` renames it.
bool cargo_depends_on_sqlx(std::string_view text) {
    bool in_dependencies = false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        std::string_view line = trim(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        start = end == std::string_view::npos ? text.size() + 1 : end + 1;
        if (line.starts_with('[')) {
            std::string_view header = line.substr(0, line.find(']'));
            header.remove_prefix(header.starts_with("[[") ? 2 : 1);
            header = trim(header);
            if (header.ends_with(".sqlx") && header.find("dependencies") != std::string_view::npos) return true;
            in_dependencies = header.ends_with("dependencies");
            continue;
        }
        if (!in_dependencies) continue;
        if (line.starts_with("sqlx") && line.size() > 4 && (line[4] == ' ' || line[4] == '=' || line[4] == '.' || line[4] == '\t')) return true;
        if (line.starts_with("\"sqlx\"")) return true;
        std::size_t package = line.find("package");
        if (package != std::string_view::npos) {
            std::string_view rest = trim(line.substr(package + 7));
            if (rest.starts_with('=') && trim(rest.substr(1)).starts_with("\"sqlx\"")) return true;
        }
    }
    return false;
}

CrateTool sqlx_crate_for(const std::string& folder, const std::string& confine_to) {
    std::error_code ec;
    const fs::path where = fs::absolute(folder.empty() ? fs::path(".") : fs::path(folder), ec).lexically_normal();
    const std::string target = normal(where);
    fs::path up = where;
    for (int level = 0; level < k_most_levels && !up.empty(); ++level) {
        if (!confine_to.empty() && !path_inside(up.string(), confine_to)) break;
        const fs::path manifest = up / "Cargo.toml";
        if (!fs::is_symlink(manifest, ec) && fs::is_regular_file(manifest, ec)) {
            auto text = read_regular_file(manifest.string(), k_most_bytes, "a Cargo.toml");
            if (text && cargo_depends_on_sqlx(*text)) {
                const std::vector<Named> named = named_folders(up, confine_to);
                std::string computed;
                bool named_any = false;
                for (const auto& n : named) {
                    if (n.folder == target) return CrateTool{CrateTool::Reading::Sqlx, n.where + " names this folder"};
                    if (n.folder.empty() && computed.empty()) computed = n.where;
                    named_any = named_any || !n.folder.empty();
                }
                const std::string rel = fs::relative(manifest, fs::current_path(ec), ec).generic_string();
                // The crate runs other folders only: this one is not sqlx's.
                if (named_any && computed.empty()) return {};
                return CrateTool{CrateTool::Reading::Assumed,
                                 "assumed, since " + rel + " depends on sqlx but " +
                                     (computed.empty() ? std::string("no sqlx::migrate! or Migrator::new of its code names this folder (sqlx-cli's `sqlx migrate run --source`)")
                                                       : computed + " names a folder only known when it runs") +
                                     "; if another tool runs it, say which with `tool = \"golang-migrate\"` in .pgfence.toml"};
            }
        }
        if (fs::exists(fs::symlink_status(up / ".git", ec))) break;  // the repository's top
        if (up == up.root_path()) break;
        up = up.parent_path();
    }
    return {};
}

std::vector<std::string> sqlx_assumptions(const std::vector<std::string>& files, const std::string& confine_to) {
    std::vector<std::string> out;
    std::set<std::string> asked;
    for (const auto& f : files) {
        if (!sqlx_name(path_name(f))) continue;
        const std::string folder(path_folder(f));
        if (!asked.insert(folder).second) continue;
        CrateTool c = sqlx_crate_for(folder, confine_to);
        if (c.reading == CrateTool::Reading::Assumed) out.push_back((folder.empty() ? std::string(".") : folder) + ": sqlx " + c.why);
    }
    return out;
}

}  // namespace pgfence::analyze::tools
