#include "bot/tool_settings_surface.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <deque>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/module_writes.hpp"
#include "analyze/orm/settings_module.hpp"
#include "analyze/orm/project_tool.hpp"
#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/config_dirs.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/compose_files.hpp"
#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/graphile_settings.hpp"
#include "analyze/migrations/spring_env.hpp"
#include "analyze/migrations/spring_flyway.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/tool_runners.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/session_setup.hpp"
#include "analyze/migrations/spliced_settings.hpp"
#include "bot/compose_surface.hpp"
#include "bot/release_surface.hpp"
#include "bot/typeorm_option_modules.hpp"
#include "diff/link_targets.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

constexpr std::size_t k_most_modules = 256;         // a loader names a handful; past this the walk stops (linear work)
constexpr std::size_t k_most_init_modules = 4096;  // the modules TypeORM's entities load (orm::SharedLoads)

bool not_vendored(std::string_view p) {
    return p.find("node_modules/") == std::string_view::npos && !p.starts_with("target/") && p.find("/target/") == std::string_view::npos;
}

bool script_name(std::string_view name) {
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"}) {
        if (name.ends_with(ext) && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

// The modules a script loads by a name that is neither relative nor a package's nor Node's own:
// a path alias (`#boot`, `@/db`, `~/config`), with its line; `expr` is the name quoted, printable.
std::vector<tools::ScriptModule> aliased_modules(std::string_view text) {
    std::vector<tools::ScriptModule> out;
    const std::vector<analyze::orm::Token> tokens = analyze::orm::lex_js(text);
    for (const auto& l : analyze::orm::module_loads(tokens)) {
        const std::string& s = l.spec;
        if (s.empty() || s.starts_with(".") || s.starts_with("/") || s.starts_with("node:")) continue;
        const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
        if (alnum(s[0]) || (s.size() > 1 && s[0] == '@' && alnum(s[1]))) continue;  // a package (orm's bare_package)
        const std::size_t at = l.at < tokens.size() ? tokens[l.at].begin : 0;
        const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(at, text.size())), '\n'));
        std::string shown;
        for (char c : s.substr(0, 80)) shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\'' ? '?' : c;
        out.push_back(tools::ScriptModule{line, s, "'" + shown + "'"});
        if (out.size() >= 64) break;
    }
    return out;
}

bool sequelize_default_config(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return (name == "config.js" || name == "config.cjs") && analyze::path_name(analyze::path_folder(path)) == "config";
}


// A line of a dotenv or environment file that sets a migration tool's variable.
bool dotenv_line(std::string_view line) {
    // diesel_cli loads .env too: DIESEL_CONFIG_FILE picks its settings file (diesel_cli/src/main.rs).
    // NODE_CONFIG_DIR / NODE_CONFIG move or replace node-config's files (node-config lib/util.js).
    // Spring's and Quarkus' settings as variables (tools/spring_env.hpp; red team R71 F6).
    // MikroORM's CLI loads the MIKRO_ORM_ keys of .env (tools/tool_dirs_parts.hpp).
    return line.find("DBMATE_") != std::string_view::npos || line.find("GOOSE_") != std::string_view::npos ||
           line.find("DIESEL_") != std::string_view::npos || line.find("NODE_CONFIG") != std::string_view::npos ||
           line.find("SPRING_FLYWAY") != std::string_view::npos || line.find("SPRING_LIQUIBASE") != std::string_view::npos ||
           line.find("FLYWAY_") != std::string_view::npos || line.find("TYPEORM_") != std::string_view::npos ||
           line.find("MIKRO_ORM_") != std::string_view::npos || line.find("PGSERVICEFILE") != std::string_view::npos || line.find("PGSYSCONFDIR") != std::string_view::npos ||
           tools::container_tool_line(line) || tools::spring_env_line(line) || !tools::preload_line(line, false).empty();
}

// A YAML or properties file, whose spring.flyway / spring.liquibase keys count.
bool spring_keys_file(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".properties");
}

// The lines of `text` that count by where they are rather than what they say: a key nested under
// spring.flyway / spring.liquibase, a line of a compose service or a Dockerfile that runs a
// migration tool, Flyway's Maven or Gradle plugin settings (tools/container_settings.hpp). Sorted.
std::vector<int> context_lines(std::string_view path, std::string_view text) {
    std::vector<int> out;
    if (spring_keys_file(path)) out = tools::spring_migration_lines(analyze::path_name(path), text);
    auto more = tools::container_tool_lines(path, text);
    out.insert(out.end(), more.begin(), more.end());
    // Alembic's [tool.alembic] table in pyproject.toml (tools/changelog_dirs.hpp).
    if (analyze::path_name(path) == "pyproject.toml") {
        more = tools::alembic_pyproject_lines(text);
        out.insert(out.end(), more.begin(), more.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

bool node_config_only(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return tools::node_config_file(path) && !sequelize_config_name(path) && !tools::spring_settings_name(name) && !tools::command_file(path);
}

bool sequelize_config_name(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return (name == "config.json" || name == "config.js") && analyze::path_name(analyze::path_folder(path)) == "config";
}

// Other migration tools' settings, whose folders pgfence does not follow yet: a pull request's
// added lines that set them are reported (migration-tool-settings-changed), each at its line.
// What each tool reads, and where:
// - diesel_cli reads diesel.toml's [migrations_directory] dir (diesel_cli/src/config.rs);
// - knex's CLI reads knexfile.{js,ts,cjs,mjs} (migrations.directory, the connection);
// - dbmate reads DBMATE_MIGRATIONS_DIR and DATABASE_URL from .env (amacneil/dbmate main.go, --env-file);
// - sqlx embeds the folder `sqlx::migrate!("path")` names, at compile time (sqlx-macros migrate.rs);
// - TypeORM's DataSource `migrations: [...]` globs, in ormconfig.* or a data source file.
// Empty when `path` is none of these; otherwise whether a line of it counts.
std::function<bool(std::string_view)> other_tool_lines(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    if (name == "package.json") {
        return [](std::string_view line) {
            // The CLIs tools/tool_dirs.cpp reads the flags of (a command followed by its
            // arguments, not a dependency's version).
            return line.find("node-pg-migrate") != std::string_view::npos || line.find("dbmate") != std::string_view::npos ||
                   line.find("goose") != std::string_view::npos || line.find("knex ") != std::string_view::npos ||
                   line.find("sequelize ") != std::string_view::npos || line.find("sequelize-cli ") != std::string_view::npos ||
                   line.find("typeorm ") != std::string_view::npos || line.find("typeorm-ts-node-") != std::string_view::npos ||
                   line.find("mikro-orm ") != std::string_view::npos || line.find("configPaths") != std::string_view::npos ||
                   line.find("NODE_CONFIG") != std::string_view::npos || !tools::preload_line(line, false).empty() ||
                   tools::deploy_command_line(line) || line.find("Cmd\"") != std::string_view::npos ||
                   line.find("\"before:") != std::string_view::npos || line.find("\"after:") != std::string_view::npos;
        };
    }
    // npm's node-options: code preloaded into every node process npm starts (tools::preload_line).
    if (name == ".npmrc") return [](std::string_view line) { return !tools::preload_line(line, true).empty(); };
    // sequelize-cli reads which migrations ran from its config file (config/config.json or
    // config/config.js by default, sequelize/cli src/helpers/path-helper.js): migrationStorage
    // ("none" re-runs every migration), migrationStorageTableName, migrationStoragePath and the
    // seeder* ones (src/helpers/umzug-helper.js getStorageOption, from config-helper readConfig).
    if (sequelize_config_name(path)) {
        // And what Sequelize writes into its SQL on each connection (tools/spliced_settings.hpp):
        // its search path, time zone, message level, whether names are quoted.
        return [](std::string_view line) {
            for (std::string_view key : {"Storage", "searchPath", "timezone", "clientMinMessages", "quoteIdentifiers", "schema"}) {
                if (line.find(key) != std::string_view::npos) return true;
            }
            return false;
        };
    }
    // db-migrate's database.json: each environment's connection and the schema its search path is
    // set to (db-migrate-pg index.js). By its keys: a project's other database.json (a test's
    // fixture of rows) is not db-migrate's.
    if (name == "database.json") {
        return [](std::string_view line) {
            for (std::string_view key : {"\"driver\"", "\"host\"", "\"port\"", "\"user\"", "\"password\"", "\"database\"", "\"schema\"",
                                         "\"ENV\"", "\"ssl\"", "\"connectionString\"", "\"defaultEnv\"", "\"sql-file\"", "\"migrations-table\""}) {
                if (line.find(key) != std::string_view::npos) return true;
            }
            return false;
        };
    }
    // A migration tool's command line in a Makefile, a script, a compose file or a CI workflow.
    // A container's command line (`docker run -v host:/migrations <tool image>`) and golang-migrate's
    // x-migrations-table URL parameter count too; a compose service's or a Dockerfile's other
    // lines count by where they are (context_lines).
    if (tools::command_file(path)) {
        return [](std::string_view line) {
            // A deploy command that runs the down direction, resets the database or names settings
            // pgfence does not read (tools/deploy_commands.hpp, red team R79 B9).
            return tools::tool_command_line(line) || tools::container_tool_line(line) || !tools::preload_line(line, false).empty() ||
                   tools::deploy_command_line(line);
        };
    }
    // Flyway's Maven and Gradle plugins: the lines of their settings (context_lines).
    if (tools::build_plugin_name(path)) return [](std::string_view) { return false; };
    if (tools::spring_settings_name(name)) {
        // spring.flyway.* and spring.liquibase.*; a YAML key nested under them is found by its
        // line number (other_tool_changes, tools::spring_migration_lines).
        // Hibernate's schema management and Spring Boot's SQL initialization decide what runs at
        // start too (red team R68 B2, B3; tools/schema_sync.hpp, tools/changelog_dirs.hpp).
        return [](std::string_view line) {
            for (std::string_view key : {"flyway", "liquibase", "ddl-auto", "hbm2ddl", "schema-generation", "generate-ddl", "sql.init",
                                         "initialization-mode", "schema-locations", "data-locations"}) {
                if (line.find(key) != std::string_view::npos) return true;
            }
            return false;
        };
    }
    // node-config's whole file set, which node-pg-migrate reads its section from
    // (tools/settings_surface.hpp node_config_file): the lines that set its migrations' settings.
    if (node_config_only(path)) return tools::node_pg_migrate_line;
    auto any = [](std::string_view line) { return !line.empty() && line.front() != '#' && !line.starts_with("//"); };
    if (name == "diesel.toml") return any;
    // Sqitch's project settings and plan (sqitchers/sqitch lib/App/Sqitch/Target.pm: top_dir,
    // plan_file, deploy_dir; the plan lists the changes deploy runs), Alembic's alembic.ini and the
    // migration environment its script_location holds: env.py runs at every `alembic upgrade`
    // (opens the connection, may run SQL before context.run_migrations()), script.py.mako makes
    // each new revision (red team R68 B6, B7). Alembic's script_location is `alembic` or
    // `migrations` (Flask-Migrate) by its templates' defaults.
    if (name == "sqitch.conf" || name == "sqitch.plan" || name == "alembic.ini") return any;
    // Alembic 1.16's pyproject.toml: the lines of its [tool.alembic] table (context_lines).
    if (name == "pyproject.toml") return [](std::string_view) { return false; };
    if ((name == "env.py" || name == "script.py.mako") &&
        (analyze::path_name(analyze::path_folder(path)) == "alembic" || analyze::path_name(analyze::path_folder(path)) == "migrations")) {
        return any;
    }
    // db-migrate's .db-migraterc: every setting of it overrides the command line's (its
    // migrations-dir, its `table`, which a new name makes every merged migration run again).
    // TypeORM 0.2's ormconfig.env: every TYPEORM_ variable is an option (ConnectionOptionsEnvReader.ts).
    // MikroORM's configuration (its migrations' path, pathTs, glob, baseDir: tools/tool_dirs_parts.hpp).
    if (name.starts_with("knexfile.") || name.starts_with("mikro-orm.config.") || name == ".sequelizerc" || name == ".db-migraterc" ||
        name == "ormconfig.env") {
        return any;
    }
    // graphile-migrate's .gmrc / .gmrc.js: its actions run commands and SQL files, its placeholders
    // go into every migration as text (tools/graphile_settings.hpp).
    if (tools::graphile_settings_name(name)) return any;
    // drizzle-kit's and Prisma's configuration files (tools/config_dirs.hpp).
    if (tools::drizzle_config_name(name) || tools::prisma_config_path(path)) return any;
    if (name == ".env" || name.starts_with(".env.") || tools::dotenv_name(path)) return dotenv_line;
    // A release tool's settings (analyze/migrations/deploy_release_config.cpp reads them for the
    // deploy commands that run the tool): a line that sets a command, a hook, `extends` or a
    // plugin other than semantic-release's own (red team R87b F5). A JS config: every line.
    if (release_config_path(path)) {
        if (name.ends_with("js") || name.ends_with("ts")) return any;
        return release_settings_line;
    }
    // Any other YAML or properties file may be one Spring Boot reads (spring.config.import,
    // spring.config.location, a ConfigMap's embedded application.yml): only its lines under a
    // spring.flyway / spring.liquibase key path count (other_tool_changes).
    // A YAML manifest may also start a tool (a Kubernetes Job's `command: ["goose", "-dir", ...]`)
    // or set its environment (`- name: SPRING_FLYWAY_CLEAN_DISABLED`): those lines count as in a
    // command file.
    if (name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".properties")) {
        return [](std::string_view line) { return tools::tool_command_line(line) || tools::deploy_command_line(line); };
    }
    if (name.ends_with(".rs")) {
        return [](std::string_view line) {
            return line.find("migrate!") != std::string_view::npos || line.find("Migrator::new") != std::string_view::npos;
        };
    }
    // Any other script may make a TypeORM DataSource (tools::data_source_text, checked on its text).
    if (name.starts_with("ormconfig.") || tools::tool_settings_file(path)) {
        return [](std::string_view line) { return line.find("migrations") != std::string_view::npos; };
    }
    return {};
}

std::string shown_line(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, 120)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    return line.size() > 120 ? out + "..." : out;
}

// The lines of a changed file of another tool's settings that the pull request added and that set
// what the tool runs.
std::vector<analyze::SettingChange> other_tool_changes(const diff::ChangedFile& file, std::string_view text,
                                                     std::function<bool(std::string_view)> counts) {
    std::vector<analyze::SettingChange> out;
    if (!counts) counts = other_tool_lines(file.path);
    // A Spring Boot YAML key nested under spring.flyway / spring.liquibase.
    const std::vector<int> spring = context_lines(file.path, text);
    int line = 1;
    for (std::size_t at = 0; at <= text.size(); ++line) {
        std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
        if ((file.all_lines_new || file.touches(line, line)) && (counts(l) || std::binary_search(spring.begin(), spring.end(), line))) {
            out.push_back(analyze::SettingChange{line, std::string(analyze::path_name(file.path)) + ": " + shown_line(l)});
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}


// The lines of `base_text` that count and that `head_text` no longer has (compared trimmed, as a
// multiset): a setting the pull request removed (a table or a folder back to the tool's default).
std::vector<analyze::SettingChange> removed_tool_settings(std::string_view path, std::string_view base_text, std::string_view head_text,
                                                          const std::function<bool(std::string_view)>& counts) {
    std::vector<analyze::SettingChange> out;
    auto trimmed_lines = [](std::string_view text) {
        std::vector<std::string_view> v;
        for (std::size_t at = 0; at <= text.size();) {
            std::size_t nl = text.find('\n', at);
            std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
            while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
            while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
            v.push_back(l);
            if (nl == std::string_view::npos) break;
            at = nl + 1;
        }
        return v;
    };
    const auto base_lines = trimmed_lines(base_text);
    auto head_lines = trimmed_lines(head_text);
    std::sort(head_lines.begin(), head_lines.end());
    const std::vector<int> spring = context_lines(path, base_text);
    std::vector<std::string_view> gone;
    for (std::size_t i = 0; i < base_lines.size(); ++i) {
        const auto l = base_lines[i];
        if (l.empty() || !(counts(l) || std::binary_search(spring.begin(), spring.end(), static_cast<int>(i + 1)))) continue;
        auto it = std::lower_bound(head_lines.begin(), head_lines.end(), l);
        if (it != head_lines.end() && *it == l) {
            head_lines.erase(it);  // (a few lines: settings files are small)
            continue;
        }
        gone.push_back(l);
    }
    for (std::size_t i = 0; i < gone.size() && i < 16; ++i) {
        out.push_back(analyze::SettingChange{1, std::string(analyze::path_name(path)) + ": removed: " + shown_line(gone[i])});
    }
    return out;
}

analyze::Result<Surface> settings_surface_at(const diff::Repository& repo, const std::string& commit, std::uint64_t max_bytes,
                                             const std::string& checkout) {
    Surface surface;
    std::map<std::string, SurfaceFile>& out = surface.files;
    const std::uint64_t limit = std::min(max_bytes, tools::k_most_settings_bytes);
    auto roots = repo.list_files(commit, [](std::string_view p) {
        const std::string_view name = analyze::path_name(p);
        return not_vendored(p) && (name.starts_with("knexfile.") || name == ".sequelizerc" || name == ".env" || name.ends_with(".toml") ||
                                   sequelize_default_config(p) || name == "package.json" || name == ".npmrc" || tools::env_file_source(p) ||
                                   tools::tsconfig_name(name));
    });
    if (!roots) return roots.error();
    std::deque<std::string> scripts;  // files whose relative modules are followed
    std::vector<std::string> entity_modules;  // TypeORM's entities and subscribers, followed after the scripts
    std::set<std::string> loaded_at_init;     // those, and the modules they load
    std::set<std::string> data_sources;       // TypeORM DataSource modules: what they load runs at initialisation too
    ComputedModule entity_setting;            // the first data source setting that names them
    std::map<std::string, std::string> knexfile_of;  // a followed script: the knexfile it is loaded from
    auto read = [&](const std::string& path) -> analyze::Result<std::optional<std::string>> {
        auto stored = repo.read_file_bounded(commit, path, limit);
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text) return std::optional<std::string>{};
        return std::move((*stored)->text);
    };
    auto add = [&](const std::string& path, std::string why, bool storage) {
        // A script a command runs by name that is also the tool's runner or a named settings file:
        // every line of it counts, not only its command lines.
        if (auto it = out.find(path); it != out.end() && it->second.command_script) out.erase(it);
        if (out.size() >= k_most_modules || out.contains(path)) return;
        out.emplace(path, SurfaceFile{std::move(why), storage});
        if (script_name(analyze::path_name(path))) scripts.push_back(path);
    };
    std::optional<std::string> package_files;  // tools::k_package_files, listed once
    std::set<std::string> reached_compose;  // compose files read as one (by name, extends, include, COMPOSE_FILE, -f)
    for (const auto& path : *roots) {
        const std::string_view name = analyze::path_name(path);
        if (tools::compose_name(path)) reached_compose.insert(path);
        if (name.ends_with(".toml")) {
            // diesel_cli --config-file / DIESEL_CONFIG_FILE take any file (diesel_cli/src/config.rs).
            auto text = read(path);
            if (!text) return text.error();
            if (*text && (*text)->find("migrations_directory") != std::string::npos) add(path, "a diesel settings file", false);
            continue;
        }
        if (name.starts_with("knexfile.") || sequelize_default_config(path)) {
            if (name.starts_with("knexfile.")) knexfile_of[path] = path;
            scripts.push_back(path);
            continue;
        }
        auto text = read(path);
        if (!text) return text.error();
        if (!*text) continue;
        // A tsconfig whose "ts-node" section ts-node applies when it compiles a TypeScript settings
        // file or migration (tools::preload_lines reads its preloads; red team R82a B14).
        if (tools::tsconfig_name(name)) {
            if ((*text)->find("ts-node") != std::string::npos) add(path, "a tsconfig whose \"ts-node\" section ts-node applies", false);
            continue;
        }
        // The file an .npmrc's userconfig / globalconfig names: npm reads it as an .npmrc
        // (tools::npmrc_named_files), so a change to it is a change to what npm runs scripts with.
        if (name == ".npmrc") {
            for (auto& n : tools::npmrc_named_files(path, **text)) {
                if (n.path.empty() || out.size() >= k_most_modules || out.contains(n.path)) continue;
                SurfaceFile f;
                f.why = path + ":" + std::to_string(n.line) + " (" + n.key + ") has npm read it as an .npmrc";
                f.npmrc = true;
                out.emplace(n.path, std::move(f));
            }
            continue;
        }
        // The files it loads into an application's environment (tools/env_files.hpp; red team R71
        // F6): Spring's settings may be set there.
        if (tools::env_file_source(path) || tools::dotenv_name(path)) {
            // A compose file of the same project (extends, include, COMPOSE_FILE, docker compose -f;
            // red team R75 F5, F6) is read as one in turn for the files it loads, at most 8 steps deep
            // and once per project folder.
            struct Step {
                std::string path;
                std::string project;
                int depth = 0;
            };
            std::deque<Step> steps{{path, {}, 0}};
            std::set<std::string> seen;
            while (!steps.empty()) {
                const Step step = std::move(steps.front());
                steps.pop_front();
                std::optional<std::string> other;
                if (step.depth > 0) {
                    auto t = read(step.path);
                    if (!t) return t.error();
                    other = std::move(*t);
                    if (!other) continue;
                }
                if (step.depth > 0) reached_compose.insert(step.path);
                const std::string& step_text = step.depth > 0 ? *other : **text;
                for (const auto& u : tools::env_file_uses(step.path, step_text, step.depth > 0, step.depth > 0 ? &step.project : nullptr)) {
                    if (u.compose && step.depth < 8 && seen.insert(u.file + "@" + u.project).second) steps.push_back(Step{u.file, u.project, step.depth + 1});
                    // `docker compose --env-file x`: x's COMPOSE_FILE names the compose files (red team R76 E2).
                    if (u.compose_env && step.depth < 8 && seen.insert("env:" + u.file + "@" + u.project).second) {
                        auto t = read(u.file);
                        if (!t) return t.error();
                        if (*t) {
                            for (const auto& f : tools::compose_file_variable(**t, u.project).files) {
                                if (seen.insert(f.file + "@" + f.project).second) steps.push_back(Step{f.file, f.project, step.depth + 1});
                            }
                        }
                    }
                    if (out.size() >= k_most_modules || out.contains(u.file)) continue;
                    SurfaceFile f{step.path + ":" + std::to_string(u.line) + " (" + u.how + ") loads it into the environment", false, {}, true};
                    out.emplace(u.file, std::move(f));
                }
            }
            if (name == ".env") {
                // read on below for DIESEL_CONFIG_FILE
            } else if (name != "package.json" && !tools::command_file(path)) {
                continue;
            }
        }
        if (name == "package.json" || tools::command_file(path)) {
            // The settings file a tool's command line names (knex --knexfile db/knex.js, flyway
            // -configFiles=conf/prod.conf): every line of it, and its modules.
            const std::string_view folder = analyze::path_folder(path);
            std::vector<tools::NamedFile> named = tools::named_settings_files(path, **text, folder);
            if (tools::runs_from_top(path) && !folder.empty()) {
                for (auto& f : tools::named_settings_files(path, **text, "")) named.push_back(std::move(f));
            }
            for (const auto& f : named) add(f.path, path + ":" + std::to_string(f.line) + " (" + f.flag + ") names it", false);
            // A script of the repository it runs by name (issue #53): its lines are commands too.
            const tools::ReadFile read_plain = [&](const std::string& p) -> std::optional<std::string> {
                // The commit's package.json files, for the workspace packages an npx may name (tools::k_package_files).
                if (p == tools::k_package_files) {
                    if (!package_files) {
                        std::string listed;
                        if (auto files = repo.list_files(commit, [](std::string_view f) { return tools::package_file_listed(f); })) {
                            for (std::size_t i = 0; i < files->size() && i < 4096; ++i) {
                                if ((*files)[i].find('\n') == std::string::npos) listed += (*files)[i] + "\n";
                            }
                            package_files = std::move(listed);
                        } else {
                            package_files = std::string("\x01");
                        }
                    }
                    if (*package_files == "\x01") return std::nullopt;
                    return *package_files;
                }
                auto t = read(p);
                if (!t || !*t) return std::nullopt;
                return std::move(**t);
            };
            for (const auto& r : tools::scripts_run_by_name(path, **text, read_plain)) {
                if (out.size() >= k_most_modules || out.contains(r.path) || tools::command_file(r.path)) continue;
                SurfaceFile f;
                f.why = path + ":" + std::to_string(r.line) + " runs it";
                f.command_script = true;
                out.emplace(r.path, std::move(f));
            }
            // The project's own runner of the tool and npm's pre/post scripts around it
            // (tools/tool_runners.hpp, red team R79 B11): they run in the tool's process, so a
            // change to one, or to a module it loads, is a change to how the migrations run.
            for (const auto& r : tools::tool_runners(path, **text, read_plain)) {
                add(r.path, path + ":" + std::to_string(r.line) + " runs it (" + r.how + ")", false);
            }
            // A compose service of a migration tool loads its environment from its env_file
            // (tools/container_settings.hpp): every line of it.
            if (tools::compose_name(path)) {
                // The variables it interpolates from the .env beside it: those .env lines count.
                auto vars = tools::compose_variables(**text);
                if (!vars.empty() && surface.env_why.empty()) surface.env_why = path;
                surface.env_names.insert(surface.env_names.end(), vars.begin(), vars.end());
                for (const auto& e : tools::compose_env_files(**text)) {
                    std::string file = tools::repository_path(folder, e.value);
                    // A migration tool's: every line counts, not only the Spring and tool variables.
                    if (auto it = out.find(file); it != out.end() && it->second.environment) out.erase(it);
                    if (!file.empty()) add(file, path + ":" + std::to_string(e.line) + " (env_file) names it", false);
                }
            }
            continue;
        }
        if (name == ".env") {
            for (const auto& v : tools::env_values(**text, "DIESEL_CONFIG_FILE")) {
                if (!v.value) continue;
                std::string file = analyze::tools::repository_path(analyze::path_folder(path), *v.value);
                if (!file.empty()) add(file, path + ":" + std::to_string(v.line) + " (DIESEL_CONFIG_FILE) names it", false);
            }
            continue;
        }
        // .sequelizerc: the configuration it names (sequelize/cli src/helpers/config-helper.js
        // getConfigFile: args.config, from loadRCFile's defaults), and its own modules.
        for (const auto& c : tools::sequelize_rc_config_paths(**text)) {
            std::string file = c.value ? analyze::tools::repository_path(analyze::path_folder(path), *c.value) : std::string();
            if (!file.empty()) add(file, path + ":" + std::to_string(c.line) + " (config) names it", true);
            else if (surface.computed.size() < 64) surface.computed.push_back(ComputedModule{path, c.line, c.expr.substr(0, 80)});
        }
        for (const auto& c : tools::sequelize_rc_options_paths(**text)) {
            std::string file = c.value ? analyze::tools::repository_path(analyze::path_folder(path), *c.value) : std::string();
            if (!file.empty()) add(file, path + ":" + std::to_string(c.line) + " (options-path) names it", false);
            else if (surface.computed.size() < 64) surface.computed.push_back(ComputedModule{path, c.line, c.expr.substr(0, 80)});
        }
        scripts.push_back(path);
    }
    // The env files of the compose files nothing above reaches (red team R77 E1, E2): as a reached one's.
    auto unreached = unreached_compose_env_files(repo, commit, max_bytes, reached_compose);
    if (!unreached) return unreached.error();
    for (auto& u : *unreached) {
        if (out.size() < k_most_modules && !out.contains(u.file)) out.emplace(u.file, SurfaceFile{std::move(u.why), false, {}, true});
    }
    // A TypeORM DataSource's options taken from another module (a spread, a constant): that module
    // and what it loads (bot/typeorm_option_modules.hpp). Not the modules of its entity classes.
    auto sources = repo.list_files(commit, [](std::string_view p) { return not_vendored(p) && script_name(analyze::path_name(p)); });
    if (!sources) return sources.error();
    for (const auto& path : *sources) {
        auto text = read(path);
        if (!text) return text.error();
        if (!*text || !tools::data_source_text(**text)) continue;
        // Its own loads run when TypeORM's CLI loads it (red team R86b F8: `require("#boot")`):
        // walked as an entity's are, after the settings scripts.
        if (data_sources.size() < 64 && data_sources.insert(path).second) entity_modules.push_back(path);
        // The entities and subscribers it names, which TypeORM requires at initialisation
        // (tools/tool_runners.hpp, red team R79 B15).
        const auto globs = tools::typeorm_loaded_globs(path, **text);
        for (const auto& g : globs) {
            if (!g.unknown.empty() && surface.computed.size() < 64) surface.computed.push_back(ComputedModule{path, g.line, g.setting});
        }
        for (const auto& file : *sources) {
            if (out.size() >= 4 * k_most_modules || out.contains(file)) continue;
            for (const auto& g : globs) {
                if (!tools::loaded_by(file, g)) continue;
                SurfaceFile f{path + ":" + std::to_string(g.line) + " (" + g.setting + ") has TypeORM load it", false, {}, false, true};
                out.emplace(file, std::move(f));
                // What it loads runs at initialisation too: followed below, after the settings
                // scripts' modules (analyze follows them through one loader: tools/tool_runners.hpp).
                entity_modules.push_back(file);
                if (entity_setting.script.empty()) entity_setting = ComputedModule{path, g.line, g.setting + "'s modules and what they load, past pgfence's limit"};
                break;
            }
        }
        for (const auto& m : typeorm_option_modules(path, **text)) {
            for (const auto& candidate : tools::module_candidates(m.spec)) {
                auto entry = repo.entry_at(commit, candidate);
                if (!entry) return entry.error();
                if (!*entry || (*entry)->kind == diff::TreeEntryInfo::Kind::tree) continue;
                add(candidate, path + ":" + std::to_string(m.line) + " takes the TypeORM DataSource's options from it", false);
                break;
            }
        }
    }
    // Node's require() of a relative path, followed from each script (knex/knex bin/cli.js loads the
    // knexfile with require after registering the loaders for .ts and the other extensions), then
    // from each entity (a module they load is judged as they are: its changed lines that import a
    // driver or write another module's value are unknown; a walk past the limits stops there).
    std::size_t walked = 0;
    bool entities_queued = false;
    while (walked < k_most_init_modules) {
        if (scripts.empty() && !entities_queued) {
            entities_queued = true;
            for (const auto& e : entity_modules) {
                loaded_at_init.insert(e);
                scripts.push_back(e);
            }
        }
        if (scripts.empty()) break;
        // Past the walk's limit, any module the pull request changes may be one the entities load.
        if (walked + 1 >= k_most_init_modules || out.size() >= k_most_init_modules) {
            if (!entity_setting.script.empty() && surface.computed.size() < 64) surface.computed.push_back(entity_setting);
            break;
        }
        const std::string path = scripts.front();
        scripts.pop_front();
        const bool at_init = loaded_at_init.contains(path);
        if (!at_init && walked >= k_most_modules) continue;
        ++walked;
        auto text = read(path);
        if (!text) return text.error();
        if (!*text) continue;
        // What it reads from the environment (a .env's values, when it loads dotenv or the deploy
        // sources one) and from node-config.
        // (Not an entity's: the application's modules read the environment for their own ends.)
        auto env = at_init ? tools::ScriptEnv{} : tools::script_env(**text);
        if (!env.names.empty() || env.computed) {
            if (surface.env_why.empty()) surface.env_why = path;
            surface.env_computed = surface.env_computed || env.computed;
            surface.env_names.insert(surface.env_names.end(), env.names.begin(), env.names.end());
        }
        if (!at_init && surface.node_config_why.empty() && tools::loads_package(**text, "config")) surface.node_config_why = path + " loads the config package";
        for (const auto& m : tools::relative_modules(path, **text)) {
            if (m.spec.empty()) {
                // (An entity's module by a computed name is not followed, as analyze's loader does not.)
                if (!at_init && surface.computed.size() < 64) surface.computed.push_back(ComputedModule{path, m.line, m.expr});
                continue;
            }
            for (const auto& candidate : tools::module_candidates(m.spec)) {
                auto entry = repo.entry_at(commit, candidate);
                if (!entry) return entry.error();
                if (!*entry || (*entry)->kind == diff::TreeEntryInfo::Kind::tree) continue;
                const bool fresh = !out.contains(candidate);
                if (at_init) {
                    if (fresh && out.size() < k_most_init_modules) {
                        out.emplace(candidate, SurfaceFile{path + ":" + std::to_string(m.line) + " loads it, and TypeORM loads " + path, false, {}, false, true});
                        loaded_at_init.insert(candidate);
                        if (script_name(analyze::path_name(candidate))) scripts.push_back(candidate);
                    }
                    break;
                }
                add(candidate, path + ":" + std::to_string(m.line) + " loads it", false);
                if (fresh && knexfile_of.contains(path) && out.contains(candidate)) {
                    out[candidate].knexfile = knexfile_of[path];
                    knexfile_of[candidate] = knexfile_of[path];
                }
                break;
            }
        }
        // A module it loads by a path alias (`require("#boot")`: red team R86b F8), followed as
        // analyze follows it (orm/imports.hpp resolve_import); one not resolved may be any file
        // (not an entity's: analyze's loader does not follow those either).
        for (const auto& m : aliased_modules(**text)) {
            std::string file;
            if (!checkout.empty()) {
                const std::filesystem::path root = std::filesystem::absolute(checkout).lexically_normal();
                if (auto f = analyze::orm::resolve_import((root / path).string(), m.spec)) {
                    const std::string rel = std::filesystem::path(*f).lexically_relative(root).generic_string();
                    auto entry = repo.entry_at(commit, rel);
                    if (!entry) return entry.error();
                    if (*entry && (*entry)->kind != diff::TreeEntryInfo::Kind::tree && !rel.starts_with("../")) file = rel;
                }
            }
            if (file.empty()) {
                const bool entity = at_init && !data_sources.contains(path);
                if (!entity && surface.computed.size() < 64) surface.computed.push_back(ComputedModule{path, m.line, m.expr, true});
                continue;
            }
            // Not a knexfile's: the module is judged as an entity's is (its changed lines that import a
            // driver or write another module's value), not as settings: an app entry that runs the
            // migrations imports much of the application by alias (review 85's jellyseerr).
            if (at_init || !knexfile_of.contains(path)) {
                if (!out.contains(file) && out.size() < k_most_init_modules) {
                    const std::string by = at_init ? ", and TypeORM loads " + path : ", in the migration tool's process";
                    out.emplace(file, SurfaceFile{path + ":" + std::to_string(m.line) + " loads it (" + m.expr + ")" + by, false, {}, false, true});
                    loaded_at_init.insert(file);
                    if (script_name(analyze::path_name(file))) scripts.push_back(file);
                }
                continue;
            }
            const bool fresh = !out.contains(file);
            add(file, path + ":" + std::to_string(m.line) + " loads it (" + m.expr + ")", false);
            if (fresh && knexfile_of.contains(path) && out.contains(file)) {
                out[file].knexfile = knexfile_of[path];
                knexfile_of[file] = knexfile_of[path];
            }
        }
    }
    if (auto r = add_release_loaded(repo, commit, limit, out); !r) return r.error();  // a release config's extends, plugins
    std::sort(surface.env_names.begin(), surface.env_names.end());
    surface.env_names.erase(std::unique(surface.env_names.begin(), surface.env_names.end()), surface.env_names.end());
    return surface;
}

analyze::Result<bool> uses_node_pg_migrate(const diff::Repository& repo, const diff::ChangeSet& changes, std::uint64_t max_bytes) {
    for (const std::string* commit : {&changes.head_sha, &changes.merge_base_sha}) {
        auto files = repo.list_files(*commit, [](std::string_view p) {
            return not_vendored(p) && (analyze::path_name(p) == "package.json" || tools::command_file(p));
        });
        if (!files) return files.error();
        for (const auto& path : *files) {
            auto stored = repo.read_file_bounded(*commit, path, std::min(max_bytes, tools::k_most_settings_bytes));
            if (!stored) return stored.error();
            // Too large to read: it may run it.
            if (*stored && (!(*stored)->text || (*stored)->text->find("node-pg-migrate") != std::string::npos)) return true;
        }
    }
    return false;
}

analyze::Result<bool> add_surface_reports(const diff::Repository& repo, const diff::ChangeSet& changes, const analyze::AnalyzeOptions& options,
                                          std::set<std::string>& listed, std::vector<analyze::FileReport>& added) {
    auto head_surface = settings_surface_at(repo, changes.head_sha, options.max_file_bytes, changes.repo_root);
    if (!head_surface) return head_surface.error();
    auto base_surface = settings_surface_at(repo, changes.merge_base_sha, options.max_file_bytes, changes.repo_root);
    if (!base_surface) return base_surface.error();
    std::map<std::string, SurfaceFile> surface = std::move(base_surface->files);
    for (auto& [p, f] : head_surface->files) surface.insert_or_assign(p, std::move(f));
    // node-config's files, when a settings script loads the config package: every line counts.
    const std::string node_config_why = !head_surface->node_config_why.empty() ? head_surface->node_config_why : base_surface->node_config_why;
    std::vector<std::string> env_names = head_surface->env_names;
    env_names.insert(env_names.end(), base_surface->env_names.begin(), base_surface->env_names.end());
    std::sort(env_names.begin(), env_names.end());
    const std::string env_why = !head_surface->env_why.empty() ? head_surface->env_why : base_surface->env_why;
    // A variable read by a computed name may be any of a .env's.
    const bool env_any = head_surface->env_computed || base_surface->env_computed;
    // The .env files dotenv and dotenv-flow load (.env, .env.production, .env.local), not the
    // examples committed beside them.
    auto env_file = [](std::string_view p) {
        const std::string_view n = analyze::path_name(p);
        for (std::string_view example : {"example", "sample", "template", "dist", "defaults"}) {
            if (n.ends_with(example)) return false;
        }
        return n == ".env" || n.starts_with(".env.");
    };
    // A settings file reached through a link inside the repository (`config -> deploy`) is read
    // by the tool at the link's path: a change to the link's target is a change to it.
    auto links = diff::links_of(repo, changes.merge_base_sha, changes.head_sha);
    if (!links) return links.error();
    auto in_surface = [&](std::string_view p) -> const SurfaceFile* {
        if (auto it = surface.find(std::string(p)); it != surface.end()) return &it->second;
        for (const auto& alias : diff::paths_through_links(*links, p)) {
            if (auto it = surface.find(alias); it != surface.end()) return &it->second;
        }
        return nullptr;
    };
    auto changed = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [&](std::string_view p) {
            return in_surface(p) || (!node_config_why.empty() && tools::node_config_file(p)) ||
                   ((!env_names.empty() || env_any) && env_file(p) && not_vendored(p));
        },
        {}, options.max_file_bytes);
    if (!changed) return changed.error();
    const std::uint64_t limit = std::min(options.max_file_bytes, tools::k_most_settings_bytes);
    // A file's text at a commit: nothing when it is not there; an empty inner value when too large.
    using Text = std::optional<std::optional<std::string>>;
    auto read = [&](const std::string& commit, const std::string& path) -> analyze::Result<Text> {
        auto stored = repo.read_file_bounded(commit, path, limit);
        if (!stored) return stored.error();
        if (!*stored) return Text{};
        return Text(std::move((*stored)->text));
    };
    for (const auto& file : *changed) {
        if (listed.contains(file.path)) continue;
        SurfaceFile s;
        if (const SurfaceFile* at = in_surface(file.path)) s = *at;
        else if (const SurfaceFile* old_at = in_surface(file.old_path)) s = *old_at;
        else if (env_file(file.path)) s.why = env_why + " reads it from the environment";
        else s.why = node_config_why;
        const bool env = !in_surface(file.path) && !in_surface(file.old_path) && env_file(file.path);
        // A script a command runs, or sources (`. ./ci.env`, `set -a; source tools/db.conf`): also the
        // lines that set a tool's variables, which the commands after it see (red team R88c F7).
        auto counts = s.command_script ? std::function<bool(std::string_view)>([](std::string_view l) {
                                                return tools::tool_command_line(l) || tools::container_tool_line(l) ||
                                                       !tools::preload_line(l, false).empty() || tools::deploy_command_line(l) || dotenv_line(l);
                                            })
                      : s.npmrc ? std::function<bool(std::string_view)>([](std::string_view l) { return !tools::preload_line(l, true).empty(); })
                      : s.loaded_module ? std::function<bool(std::string_view)>([](std::string_view) { return false; })
                      : s.storage ? std::function<bool(std::string_view)>([](std::string_view l) { return l.find("Storage") != std::string_view::npos; })
                      : s.environment ? std::function<bool(std::string_view)>(dotenv_line)
                      : env ? std::function<bool(std::string_view)>([&env_names, env_any](std::string_view l) {
                                  if (l.starts_with("export ")) l.remove_prefix(7);
                                  if (env_any) return !l.empty() && l.front() != '#' && l.find('=') != std::string_view::npos;
                                  std::string_view key = l.substr(0, l.find('='));
                                  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
                                  return l.find('=') != std::string_view::npos && std::binary_search(env_names.begin(), env_names.end(), key);
                              })
                            : std::function<bool(std::string_view)>([](std::string_view l) {
                                  // A script's `#!` line runs: its node flags preload code (red team R79 B11).
                                  return !l.empty() && (l.front() != '#' || l.starts_with("#!")) && !l.starts_with("//") && !l.starts_with("/*") &&
                                         !l.starts_with("*");
                              });
        std::optional<std::string> base_text;
        if (!file.all_lines_new || file.status == diff::ChangeStatus::Deleted) {
            auto old = read(changes.merge_base_sha, file.old_path);
            if (!old) return old.error();
            if (*old) base_text = std::move(**old);
        }
        if (file.status == diff::ChangeStatus::Deleted) {
            auto gone = removed_tool_settings(file.old_path, base_text.value_or(""), "", counts);
            for (auto& g : gone) g.what += " (" + s.why + ")";
            if (!gone.empty() && listed.insert(file.old_path).second) {
                added.push_back(analyze::analyze_tool_settings(file.old_path, std::move(gone), options, "", {}));
            }
            continue;
        }
        auto stored = read(changes.head_sha, file.path);
        if (!stored) return stored.error();
        if (!*stored) continue;
        listed.insert(file.path);
        if (!**stored) {
            added.push_back(analyze::analyze_tool_settings(
                file.path, {}, options, {},
                {analyze::SettingUnknown{1, s.why + ", and it is too large for pgfence to read what it now sets", {}}}));
            continue;
        }
        const std::string& text = ***stored;
        auto found = other_tool_changes(file, text, counts);
        // A removed setting, when no added line already says the settings changed.
        if (base_text && found.empty()) {
            for (auto& g : removed_tool_settings(file.path, *base_text, text, counts)) found.push_back(std::move(g));
        }
        for (auto& f : found) f.what += " (" + s.why + ")";
        // A module the knexfile loads runs in knex's process too: a changed line of it that writes
        // another module's value (analyze/orm/module_writes.hpp, red team R77 K2) is unknown.
        std::vector<analyze::SettingUnknown> unknown;
        if (!s.knexfile.empty() && script_name(analyze::path_name(file.path))) {
            auto changed = [&](int line) { return file.all_lines_new || file.touches(line, line); };
            for (auto& [line, why] : analyze::orm::settings_module_writes(file.path, text, changed)) {
                if (changed(line)) unknown.push_back(analyze::SettingUnknown{line, std::move(why), "module write"});
            }
        }
        // A settings module the tool loads (one a knexfile loads, the configuration .sequelizerc
        // names, a knexfile a command line names): its changed statements read default-deny
        // (analyze/orm/settings_module.hpp), as analyze reads them.
        if (script_name(analyze::path_name(file.path))) {
            std::string tool;
            if (!s.knexfile.empty() || s.why.find("(--knexfile)") != std::string::npos) tool = "knex";
            else if (s.storage || s.why.find("(--config)") != std::string::npos || s.why.find("(--options-path)") != std::string::npos) tool = "sequelize-cli";
            if (!tool.empty()) {
                auto add_unknown = [&](int line, std::string why, const char* what) {
                    if (!(file.all_lines_new || file.touches(line, line))) return;
                    if (std::none_of(unknown.begin(), unknown.end(), [&](const analyze::SettingUnknown& u) { return u.line == line; })) {
                        unknown.push_back(analyze::SettingUnknown{line, std::move(why), what});
                    }
                };
                // Listed here, the file is not read again by add_session_setup_reports: its checks too.
                const std::string spliced_tool = tool == "knex" ? "knex" : "Sequelize";
                for (auto& sp : tools::session_setup_settings(text)) add_unknown(sp.line, std::move(sp.why), "connection setup");
                for (auto& sp : tools::spliced_settings_for(file.path, text, spliced_tool)) {
                    if (sp.unknown) add_unknown(sp.line, std::move(sp.why), "SQL the tool writes");
                }
                for (auto& sp : tools::config_module_code_for(file.path, text, spliced_tool)) add_unknown(sp.line, std::move(sp.why), "a configuration module's code");
                for (auto& [line, why] : analyze::orm::settings_module_unread(file.path, text, tool)) add_unknown(line, std::move(why), "a settings module's code");
            }
        }
        // Code node preloads into the tool's process: unknown at its line, as `analyze` reports it
        // (tools::preload_lines; red team R78b B2), besides the settings change.
        for (auto& [line, why] : s.npmrc ? tools::npmrc_preload_lines(text) : tools::preload_lines(file.path, text)) {
            if (file.all_lines_new || file.touches(line, line)) unknown.push_back(analyze::SettingUnknown{line, std::move(why), "preloaded code"});
        }
        if (s.loaded_module) {
            // A module a runner or settings script loads by a path alias is judged the same way (above).
            const bool typeorm = s.why.find("TypeORM") != std::string::npos;
            for (auto& [line, why] : tools::tool_runner_code(file.path, text, false)) {
                if (!(file.all_lines_new || file.touches(line, line))) continue;
                constexpr std::string_view k_typeorm = "TypeORM requires this module when it initialises";
                if (!typeorm && why.starts_with(k_typeorm)) why.replace(0, k_typeorm.size(), "the migration tool's process loads this module");
                unknown.push_back(analyze::SettingUnknown{line, std::move(why) + " (" + s.why + ")", typeorm ? "a module TypeORM loads" : "a module the tool's process loads"});
            }
        }
        if (found.empty() && unknown.empty()) {
            listed.erase(file.path);
            continue;
        }
        added.push_back(analyze::analyze_tool_settings(file.path, std::move(found), options, text, std::move(unknown)));
    }
    // A settings script of the head loads a module by a computed name: any script or JSON file the
    // pull request adds or changes may be it, so that line is unknown (as a TypeORM -d source).
    if (head_surface->computed.empty()) return true;
    auto scripts = repo.changed_files(
        changes.merge_base_sha, changes.head_sha,
        [](std::string_view p) {
            const std::string_view n = analyze::path_name(p);
            return not_vendored(p) && (script_name(n) || n.ends_with(".json") || n.ends_with(".json5"));
        },
        {}, options.max_file_bytes);
    if (!scripts) return scripts.error();
    if (std::none_of(scripts->begin(), scripts->end(), [](const diff::ChangedFile& f) { return f.status != diff::ChangeStatus::Deleted; })) {
        return true;
    }
    std::map<std::string, std::vector<analyze::SettingUnknown>> unknown;
    for (const auto& c : head_surface->computed) {
        if (listed.contains(c.script)) continue;
        const std::string what = c.by_name ? " loads " + c.expr + ", a module by a name pgfence does not resolve (a path alias)"
                                           : " loads a module by a computed name (" + c.expr + "), which pgfence does not follow";
        unknown[c.script].push_back(analyze::SettingUnknown{
            c.line, c.script + ":" + std::to_string(c.line) + what + ": a file the pull request changes may be part of the migration tool's settings",
            {}});
    }
    for (auto& [script, u] : unknown) {
        auto text = repo.read_file_bounded(changes.head_sha, script, limit);
        if (!text) return text.error();
        listed.insert(script);
        const std::string body = *text && (*text)->text ? *(*text)->text : std::string();
        added.push_back(analyze::analyze_tool_settings(script, {}, options, body, u));
    }
    return true;
}

}  // namespace pgfence::bot
