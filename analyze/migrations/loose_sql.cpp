#include "analyze/migrations/loose_sql.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

#include "analyze/base/regular_file.hpp"
#include "analyze/migrations/conventions.hpp"

namespace pgfence::analyze::tools {
namespace {

namespace fs = std::filesystem;

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string normal(const std::string& path) {
    std::error_code ec;
    std::string out = fs::absolute(path, ec).lexically_normal().generic_string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();  // "." is "/repo/"
    return out;
}

bool inside(const std::string& file, const std::string& folder) {
    return file == folder || (file.size() > folder.size() && file.starts_with(folder) && (folder.ends_with('/') || file[folder.size()] == '/'));
}

// A folder the tools' conventions name for their migrations: "migrations", "migrate" and the like
// (knex, Sequelize, TypeORM, node-pg-migrate, dbmate, golang-migrate, Rails, Prisma's
// prisma/migrations), Flyway's db/migration and filesystem:sql, sqitch's deploy/revert/verify,
// Liquibase's changelog. A file there stays whatever it is: keeping it costs a review, dropping a
// migration would hide it.
bool convention_folder(const fs::path& path) {
    static const std::set<std::string, std::less<>> k_names = {"sql", "deploy", "revert", "verify", "changelog", "changelogs", "changes",
                                                              "upgrade", "upgrades", "patches", "schema", "schemas", "ddl"};
    for (const auto& part : path.parent_path()) {
        const std::string p = lowered(part.string());
        if (p.find("migrat") != std::string::npos || k_names.contains(p)) return true;
    }
    return false;
}

// A Liquibase formatted SQL changelog: its first line is `--liquibase formatted sql` (Liquibase's
// FormattedSqlChangeLogParser.supports(): `--\s*liquibase formatted.*`, case-insensitive, on the
// first line). A changelog's include or liquibase.properties names it; either way it is Liquibase's
// (red team R88c F5: one set aside as loose SQL hid its DROP TABLE).
bool liquibase_formatted(std::string_view text) {
    std::size_t at = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (at == std::string_view::npos || text.substr(at, 2) != "--") return false;
    at = text.find_first_not_of(" \t", at + 2);
    if (at == std::string_view::npos) return false;
    return lowered(std::string(text.substr(at, std::min<std::size_t>(text.size() - at, 20)))).starts_with("liquibase formatted");
}

bool compose_file_name(std::string_view name) {
    return (name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"));
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '-')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
    return s;
}

constexpr std::string_view k_initdb = "/docker-entrypoint-initdb.d";

bool initdb_target(std::string_view target) {
    return target.starts_with(k_initdb) && (target.size() == k_initdb.size() || target[k_initdb.size()] == '/' || target[k_initdb.size()] == ':');
}

struct Mount {
    std::string source;  // absolute, normal
    int line = 0;
};

// The host paths a compose file's volumes mount into /docker-entrypoint-initdb.d (compose
// specification, services.volumes: the short form `SOURCE:TARGET[:MODE]`, the long form's
// `source:` and `target:` keys of one entry). A relative source resolves from the compose file's
// folder; a named volume, a variable or an absolute path is none of the repository's files.
std::vector<Mount> initdb_mounts(const std::string& compose, std::string_view text) {
    std::vector<Mount> out;
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at <= text.size();) {
        std::size_t end = std::min(text.find('\n', at), text.size());
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    const std::string folder = fs::path(compose).parent_path().generic_string();
    const auto add = [&](std::string_view source, int line) {
        if (source.empty() || source.front() == '/' || source.find('$') != std::string_view::npos) return;
        if (source.front() != '.' && source.find('/') == std::string_view::npos) return;  // a named volume
        out.push_back(Mount{(fs::path(folder) / std::string(source)).lexically_normal().generic_string(), line});
    };
    for (std::size_t i = 0; i < lines.size() && out.size() < 256; ++i) {
        if (lines[i].find(k_initdb) == std::string_view::npos) continue;
        std::string_view l = trimmed(lines[i]);
        if (l.starts_with("target:")) {
            if (!initdb_target(trimmed(l.substr(7)))) continue;
            for (std::size_t j = i >= 4 ? i - 4 : 0; j < std::min(lines.size(), i + 5); ++j) {
                std::string_view s = trimmed(lines[j]);
                if (s.starts_with("source:")) add(trimmed(s.substr(7)), static_cast<int>(j + 1));
            }
            continue;
        }
        const std::size_t colon = l.find(':');
        if (colon == std::string_view::npos || !initdb_target(l.substr(colon + 1))) continue;
        add(l.substr(0, colon), static_cast<int>(i + 1));
    }
    return out;
}

}  // namespace

std::string initdb_mount(const std::string& file, const std::string& top) {
    static thread_local std::map<std::string, std::vector<std::pair<std::string, std::vector<Mount>>>> by_folder;
    for (fs::path folder = fs::path(file).parent_path(); !folder.empty(); folder = folder.parent_path()) {
        const std::string f = folder.generic_string();
        if (!inside(f, top)) break;
        auto at = by_folder.find(f);
        if (at == by_folder.end()) {
            std::vector<std::pair<std::string, std::vector<Mount>>> composes;
            std::error_code ec;
            std::vector<std::string> names;
            for (fs::directory_iterator it(folder, ec), end; !ec && it != end && names.size() < 64; it.increment(ec)) {
                if (compose_file_name(it->path().filename().string()) && !it->is_symlink(ec) && it->is_regular_file(ec)) {
                    names.push_back(it->path().generic_string());
                }
            }
            std::sort(names.begin(), names.end());
            for (const auto& name : names) {
                auto text = read_regular_file(name, k_config_max_bytes, "a compose file");
                if (text) composes.emplace_back(name, initdb_mounts(name, *text));
            }
            at = by_folder.emplace(f, std::move(composes)).first;
        }
        for (const auto& [compose, mounts] : at->second) {
            for (const auto& m : mounts) {
                if (inside(file, m.source)) {
                    return fs::path(compose).lexically_relative(top).generic_string() + ":" + std::to_string(m.line);
                }
            }
        }
        if (f == top || folder == folder.parent_path()) break;
    }
    return {};
}

std::vector<FileReport> set_aside_loose_sql(std::vector<std::string>& files, const LooseSqlScope& scope) {
    std::set<std::string, std::less<>> named(scope.named.begin(), scope.named.end());
    std::set<std::string, std::less<>> given;
    std::vector<std::string> tops;  // the folders given, where a walk started
    for (const auto& g : scope.given) {
        given.insert(normal(g));
        std::error_code ec;
        if (fs::is_directory(g, ec)) tops.push_back(normal(g));
    }
    std::vector<FileReport> out;
    std::vector<char> is_loose(files.size(), 0);
    std::string kept_example;
    bool any_kept = false;
    const auto keep = [&](const std::string& f) {
        any_kept = true;
        if (kept_example.empty()) kept_example = f;
    };
    std::vector<char> is_init(files.size(), 0);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string& f = files[i];
        const std::string self = normal(f);
        std::error_code ec;
        const bool sql = lowered(fs::path(f).extension().string()) == ".sql";
        // Only a file the project's own words claim (a script migration its tool reads, a folder a
        // tool's settings name, a deploy command that runs it) says where its migrations are; SQL
        // kept for its folder's name or its markers is kept without saying the rest is no migration.
        if (!sql || named.contains(self) || (scope.run_by_tool && scope.run_by_tool(f))) {
            keep(f);
            continue;
        }
        if (given.contains(self) || fs::is_symlink(f, ec)) continue;
        std::string top;
        for (const auto& t : tops) {
            if (inside(self, t) && t.size() > top.size()) top = t;
        }
        const std::string mount = top.empty() ? std::string() : initdb_mount(self, top);
        if (!mount.empty()) {
            FileReport report;
            report.path = f;
            report.skipped = true;
            report.skip_reason = "a container's init script, not a migration: " + mount +
                                 " mounts it into /docker-entrypoint-initdb.d, whose files the postgres image runs once, when it "
                                 "creates a new, empty database (docker-entrypoint.sh, on an empty data directory); it never runs on "
                                 "the database the migrations change, and no migration tool's settings pgfence reads run it";
            out.push_back(std::move(report));
            is_init[i] = 1;
            continue;
        }
        if (top.empty() || convention_folder(fs::path(self))) continue;
        auto text = read_regular_file(f, k_config_max_bytes, "a SQL file");
        if (!text || prepare_source(f, *text, Direction::Up).tool != MigrationTool::Plain || liquibase_formatted(*text)) continue;
        is_loose[i] = 1;
    }
    // Where no settings or deploy command of the project names its migrations, the SQL found is
    // what was asked for: read.
    if (!any_kept) std::fill(is_loose.begin(), is_loose.end(), 0);
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (is_init[i]) continue;
        if (!is_loose[i]) {
            kept.push_back(std::move(files[i]));
            continue;
        }
        const std::string& f = files[i];
        FileReport report;
        report.path = f;
        report.skipped = true;
        report.skip_reason = "SQL no migration tool runs, not a migration: no tool claims it by its name or markers, no folder on its "
                             "path is one a tool's settings or conventions name for migrations, and no deploy command pgfence "
                             "reads (psql -f, a Flyway location) runs it; this project's migrations are elsewhere (" +
                             kept_example + "). Name it to pgfence (pgfence analyze " + f + ") to review it";
        out.push_back(std::move(report));
    }
    files = std::move(kept);
    return out;
}

}  // namespace pgfence::analyze::tools
