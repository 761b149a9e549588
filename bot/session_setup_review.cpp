#include "bot/session_setup_review.hpp"

#include <cctype>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/session_setup.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/spliced_settings.hpp"
#include "bot/changed_texts.hpp"

namespace pgfence::bot {
namespace {

// Files a project may configure its tools, its application or its deploys in: every text file
// but SQL (a migration's own SET is analysed as SQL), documentation, lock files and dependencies.
// Not a list of the extensions settings are written in: Terraform, Nomad, Helm templates, systemd
// units and a script without an extension set PGOPTIONS as well (red team I1: a .tf file did).
bool settings_like(std::string_view p) {
    if (p.find("node_modules/") != std::string_view::npos || p.starts_with("vendor/") || p.find("/vendor/") != std::string_view::npos) {
        return false;
    }
    const std::string_view n = analyze::path_name(p);
    if (n.ends_with(".d.ts")) return false;
    for (std::string_view lock : {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "Gemfile.lock",
                                  "poetry.lock", "composer.lock", "go.sum", "mix.lock", "Pipfile.lock", "uv.lock"}) {
        if (n == lock) return false;
    }
    std::string lower(n);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Nor reports (pgfence's own SARIF and JSON among them): their messages name settings.
    if (lower == "pgfence-report.json") return false;
    for (std::string_view ext : {".sql", ".md", ".markdown", ".rst", ".adoc", ".txt", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf",
                                 ".css", ".scss", ".html", ".snap", ".csv", ".map", ".sarif", ".log"}) {
        if (lower.ends_with(ext)) return false;
    }
    return true;
}

// A settings file a migration tool or the deploy reads (its name says so): one pgfence must read
// whole to know what the tool runs.
bool tool_settings_name(std::string_view p) {
    const std::string_view n = analyze::path_name(p);
    for (std::string_view name : {"package.json", ".sequelizerc", ".db-migraterc", "database.json", "flyway.conf", "flyway.toml", "diesel.toml",
                                  "Procfile", "Makefile", "fly.toml", "render.yaml", "app.json", "pom.xml", "build.gradle", "build.gradle.kts",
                                  "dbconfig.yml", "atlas.hcl", "sqitch.conf", "alembic.ini", "drizzle.config.ts", "drizzle.config.js"}) {
        if (n == name) return true;
    }
    for (std::string_view start : {".env", "knexfile", "ormconfig", "docker-compose", "compose.", "Dockerfile", "Containerfile", "application"}) {
        if (n.starts_with(start)) return true;
    }
    return n.find("data-source") != std::string_view::npos || n.find("datasource") != std::string_view::npos ||
           p.starts_with(".github/workflows/") || p.starts_with("config/") || p.find("/config/") != std::string_view::npos;
}

bool psqlrc_name(std::string_view p) {
    std::string lower(analyze::path_name(p));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.starts_with('.')) lower.erase(0, 1);
    return lower == "psqlrc" || lower.starts_with("psqlrc-") || lower.starts_with("psqlrc.");
}

// Whether a .sequelizerc in `path`'s folder or one above it names `path` as its `config` (not by
// the default names, which spliced_settings reads already).
bool sequelize_config_named(const diff::Repository& repo, const std::string& commit, const std::string& path) {
    const std::string_view name = analyze::path_name(path);
    if (analyze::path_name(analyze::path_folder(path)) == "config" && (name.starts_with("config.") || name.starts_with("database."))) return false;
    std::string_view dir = analyze::path_folder(path);
    for (int up = 0; up < 8; ++up) {
        const std::string rc = dir.empty() ? std::string(".sequelizerc") : std::string(dir) + "/.sequelizerc";
        auto text = repo.read_file(commit, rc);
        if (text && text->has_value() && (*text)->size() <= analyze::tools::k_most_settings_bytes) {
            for (const auto& c : analyze::tools::sequelize_rc_config_paths(**text)) {
                if (c.value && analyze::tools::repository_path(dir, *c.value) == path) return true;
            }
        }
        if (dir.empty()) break;
        dir = analyze::path_folder(dir);
    }
    return false;
}

}  // namespace

analyze::Result<bool> add_session_setup_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                std::vector<analyze::FileReport>& added) {
    return each_changed_text(repo, changes, settings_like, options.max_file_bytes, listed, [&](const diff::ChangedFile& file,
                                                                                              std::optional<std::string_view> read) {
        // A settings file too large for pgfence's settings readers (1 MiB; --max-file-size for the
        // text itself) is not read, so what it now sets is not known (red team H2: a knexfile padded
        // to 20 MB to hide a changed tableName).
        const bool too_large = !read || read->size() > analyze::tools::k_most_settings_bytes;
        if (too_large && tool_settings_name(file.path)) {
            listed.insert(file.path);
            const std::string shown = read ? std::string(read->substr(0, 200)) : std::string();
            added.push_back(analyze::analyze_tool_settings(
                file.path, {}, options, shown,
                {analyze::SettingUnknown{1, "this settings file is larger than pgfence reads settings files (1 MiB), so what it now sets for the "
                                            "migration tool (its folder, its table, its connections) is not known",
                                         "a settings file too large to read"}}));
            return;
        }
        if (!read) return;
        const std::string_view text = *read;
        std::vector<analyze::SettingUnknown> unknown;
        // psql's start-up file by its names (psql's startup.c: .psqlrc, .psqlrc-<version>, the
        // system-wide psqlrc): what it holds runs before every file psql is given (red team R70 F5).
        if (psqlrc_name(file.path)) {
            unknown.push_back(analyze::SettingUnknown{1, "a psql start-up file: psql runs its SQL and meta-commands before every file it "
                                                         "is given where HOME or PSQLRC points here, and pgfence does not read it",
                                                      "a psql start-up file"});
        }
        for (auto& s : analyze::tools::session_setup_settings(text, file.path)) {
            if (file.all_lines_new || file.touches(s.line, s.line)) unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "connection setup"});
        }
        // What a migration tool writes into its SQL from its settings, and a configuration
        // module's own code (tools/spliced_settings.hpp; red team R78a B3, B4, B5).
        for (auto& s : analyze::tools::spliced_settings(file.path, text)) {
            if (s.unknown && (file.all_lines_new || file.touches(s.line, s.line))) {
                unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "SQL the tool writes"});
            }
        }
        // Code node preloads into the tool's process (.npmrc node-options, NODE_OPTIONS, node -r):
        // unknown at its line, as `analyze` reports it (tools::preload_lines; red team R78b B2).
        for (auto& [line, why] : analyze::tools::preload_lines(file.path, text)) {
            if (file.all_lines_new || file.touches(line, line)) unknown.push_back(analyze::SettingUnknown{line, std::move(why), "preloaded code"});
        }
        for (auto& s : analyze::tools::config_module_code(file.path, text)) {
            if (file.all_lines_new || file.touches(s.line, s.line)) unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "a configuration module's code"});
        }
        // A configuration a .sequelizerc above it names by another name (tools/sequelize_rc.hpp):
        // read as config/config.* is (red team R78b B6).
        if (sequelize_config_named(repo, changes.head_sha, file.path)) {
            for (auto& s : analyze::tools::spliced_settings_for(file.path, text, "Sequelize")) {
                if (s.unknown && (file.all_lines_new || file.touches(s.line, s.line))) {
                    unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "SQL the tool writes"});
                }
            }
            for (auto& s : analyze::tools::config_module_code_for(file.path, text, "Sequelize")) {
                if (file.all_lines_new || file.touches(s.line, s.line)) {
                    unknown.push_back(analyze::SettingUnknown{s.line, std::move(s.why), "a configuration module's code"});
                }
            }
        }
        if (unknown.empty()) return;
        listed.insert(file.path);
        added.push_back(analyze::analyze_tool_settings(file.path, {}, options, text, std::move(unknown)));
    });
}

}  // namespace pgfence::bot
