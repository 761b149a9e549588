#include "analyze/migrations/env_files.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/migrations/tool_runners.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include "analyze/orm/extract.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/rebinding.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fnmatch.h>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/config_dirs.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/flyway_build_plugins.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_scripts.hpp"
#include "analyze/migrations/psqlrc_files.hpp"
#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/manifest_templates.hpp"
#include "analyze/migrations/yaml_exec.hpp"
#include "analyze/migrations/seed_dirs.hpp"
#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/spring_flyway.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/migrations/typeorm_classes.hpp"
#include "analyze/migrations/typeorm_data_source.hpp"
#include "analyze/migrations/tool_dirs_walk.hpp"

namespace pgfence::analyze::tools {
// Helpers shared with tool_dirs_commands.cpp (tool_dirs_parts.hpp); not part of tool_dirs.hpp.
namespace tool_dirs_detail {

// At most this many bytes of a value are shown (an expression, a path).
constexpr std::size_t k_shown = 80;

std::string printable(std::string_view text, std::size_t most) {
    std::size_t cut = std::min(text.size(), most);
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a whole character
    std::string out;
    for (char c : text.substr(0, cut)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return cut < text.size() ? out + "..." : out;
}

std::string shown(std::string_view text) { return printable(text, k_shown); }

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// `value` (as the tool reads it, relative to `base`) as a folder of the repository: "." parts
// and a trailing slash dropped; empty with `why` set when it is absolute or climbs above the top.
std::string resolve(std::string_view base, std::string_view value, std::string& why) {
    if (value.empty()) {
        why = "its value is empty";
        return {};
    }
    if (value.front() == '/' || value.front() == '~' || value.front() == '\\') {
        why = "it names " + shown(value) + ", outside the repository";
        return {};
    }
    std::vector<std::string> parts;
    std::string_view b = base;
    while (!b.empty()) {
        std::size_t slash = b.find('/');
        std::string_view part = b.substr(0, slash);
        if (!part.empty() && part != ".") parts.emplace_back(part);
        if (slash == std::string_view::npos) break;
        b.remove_prefix(slash + 1);
    }
    std::string_view v = value;
    while (!v.empty()) {
        std::size_t slash = v.find('/');
        std::string_view part = v.substr(0, slash);
        if (part == "..") {
            if (parts.empty()) {
                why = "it names " + shown(value) + ", above the repository's top";
                return {};
            }
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.emplace_back(part);
        }
        if (slash == std::string_view::npos) break;
        v.remove_prefix(slash + 1);
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    if (out.empty()) out = ".";
    return out;
}

// A glob's folder: its parts before the first one with a wildcard ("src/migrations/*.ts" ->
// "src/migrations").
std::string glob_folder(std::string_view glob) {
    std::size_t wild = glob.find_first_of("*?[{");
    if (wild == std::string_view::npos) return std::string(glob);
    std::size_t slash = glob.rfind('/', wild);
    return slash == std::string_view::npos ? std::string(".") : std::string(glob.substr(0, slash));
}

// A glob with syntax loaded_by does not match: an extglob (`@(a|b)`, `!(x)`, `+(x)`, `?(x)`, `*(x)`)
// or a leading `!`. TypeORM matches its entities and migrations with glob.sync and no options
// (typeorm/typeorm src/util/DirectoryExportedClassesLoader.ts importClassesFromDirectories, glob
// ^10 in 0.3.20's package.json), whose minimatch reads extglobs unless `noext` is set (red team R82a
// B8: `lib/ent/!(*.spec).js` loaded an entity pgfence never matched). Such a glob is unknown.
bool extglob(std::string_view glob) {
    if (glob.starts_with('!')) return true;
    for (std::size_t i = 0; i + 1 < glob.size(); ++i) {
        if (glob[i + 1] == '(' && (glob[i] == '@' || glob[i] == '!' || glob[i] == '+' || glob[i] == '?' || glob[i] == '*')) return true;
    }
    return false;
}

// The folder a project's tool runs in when it is started from the project: the folder above a
// src/ folder the file lies in, else the file's own (a Rust crate's root, where sqlx's
// CARGO_MANIFEST_DIR points; a Node project's, where TypeORM's process.cwd() is).
std::string project_folder(std::string_view path) {
    std::string_view folder = path_folder(path);
    std::size_t src = folder == "src" || folder.starts_with("src/") ? 0 : folder.find("/src");
    while (src != std::string_view::npos && src != 0 && !(folder.size() == src + 4 || folder[src + 4] == '/')) {
        src = folder.find("/src", src + 1);
    }
    if (src == std::string_view::npos) return std::string(folder);
    return std::string(folder.substr(0, src));
}

ToolDir make(std::string tool, std::string setting, int line, std::string_view base, std::string_view value, bool scripts) {
    ToolDir d{std::move(tool), std::move(setting), line, {}, {}, scripts, {}, {}, {}, {}, {}, {}, {}, {}};
    std::string why;
    d.folder = resolve(base, value, why);
    if (d.folder.empty()) d.unknown = why;
    return d;
}

ToolDir computed(std::string tool, std::string setting, int line, std::string why, bool scripts) {
    return ToolDir{std::move(tool), std::move(setting), line, {}, std::move(why), scripts, {}, {}, {}, {}, {}, {}, {}, {}};
}

// A TOML or .env quoted value: its text, or nothing when it is not one quoted string.
std::optional<std::string> quoted(std::string_view v) {
    v = trim(v);
    if (std::size_t hash = v.find(" #"); hash != std::string_view::npos && (v.empty() || (v.front() != '"' && v.front() != '\''))) {
        v = trim(v.substr(0, hash));
    }
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) {
        std::size_t end = v.find(v.front(), 1);
        if (end == std::string_view::npos) return std::nullopt;
        std::string_view rest = trim(v.substr(end + 1));
        if (!rest.empty() && rest.front() != '#') return std::nullopt;
        std::string_view inner = v.substr(1, end - 1);
        if (v.front() == '"' && inner.find('\\') != std::string_view::npos) return std::nullopt;
        return std::string(inner);
    }
    return std::nullopt;
}

// diesel_cli reads diesel.toml's `[migrations_directory] dir`, relative to diesel.toml's own
// folder (diesel-rs/diesel diesel_cli/src/config.rs: Config::read, set_relative_path_base).
void read_diesel(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    bool in_section = false;
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with('[')) {
            in_section = trim(l.substr(1, l.find(']') == std::string_view::npos ? 0 : l.find(']') - 1)) == "migrations_directory";
            return;
        }
        if (!in_section || !l.starts_with("dir")) return;
        std::string_view rest = trim(l.substr(3));
        if (rest.empty() || rest.front() != '=') return;
        auto v = quoted(rest.substr(1));
        if (v) out.push_back(make("diesel", "[migrations_directory] dir", n, path_folder(path), *v, false));
        else out.push_back(computed("diesel", "[migrations_directory] dir", n, "its value " + shown(trim(rest.substr(1))) + " is not one plain TOML string", false));
    });
}

// dbmate reads DBMATE_MIGRATIONS_DIR (its --migrations-dir flag's variable; several folders
// separated by commas) and goose GOOSE_MIGRATION_DIR (its -dir flag's default) from the
// environment, which both load from .env in the folder they run in (amacneil/dbmate main.go:
// --env-file ".env", --migrations-dir EnvVars DBMATE_MIGRATIONS_DIR; pressly/goose
// cmd/goose/main.go: cfg.GOOSEMIGRATIONDIR when -dir is not given). godotenv expands $NAME and
// ${NAME} in unquoted and double-quoted values: such a value is not known here.
void read_env(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with("export ")) l = trim(l.substr(7));
        std::size_t eq = l.find('=');
        if (eq == std::string_view::npos) return;
        std::string_view key = trim(l.substr(0, eq));
        const bool dbmate = key == "DBMATE_MIGRATIONS_DIR";
        if (!dbmate && key != "GOOSE_MIGRATION_DIR") return;
        const std::string tool = dbmate ? "dbmate" : "goose";
        std::string_view raw = trim(l.substr(eq + 1));
        std::string value;
        if (auto q = quoted(raw)) {
            value = *q;
            if (raw.front() == '"' && value.find('$') != std::string::npos) {
                out.push_back(computed(tool, std::string(key), n, "its value " + shown(raw) + " reads another environment variable", false));
                return;
            }
        } else {
            if (std::size_t hash = raw.find(" #"); hash != std::string_view::npos) raw = trim(raw.substr(0, hash));
            if (raw.find('$') != std::string_view::npos || raw.find_first_of("\"'`") != std::string_view::npos) {
                out.push_back(computed(tool, std::string(key), n, "its value " + shown(raw) + " reads another environment variable", false));
                return;
            }
            value = std::string(raw);
        }
        std::string_view rest = value;
        while (true) {
            std::size_t comma = dbmate ? rest.find(',') : std::string_view::npos;
            out.push_back(make(tool, std::string(key), n, path_folder(path), trim(rest.substr(0, comma)), false));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    });
}


// node-config parses YAML, TOML, properties, hjson, json5, cson, CoffeeScript and XML files as
// well (node-config/node-config lib/util.js / parser.js: js-yaml, toml, properties, hjson, json5,
// cson, ...), and node-pg-migrate reads `migrations-dir`, `use-glob` and `ignore-pattern` from the
// result (bin/node-pg-migrate.ts readJson). pgfence parses none of these (red team R82a B7:
// config/default.yaml `migrations-dir: lib/x` ran lib/x): a line that names one of those keys, or
// holds an escape that could spell one, is unknown.
void read_node_config_unparsed(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    lines(text, [&](int n, std::string_view l) {
        if (out.size() >= 4096) return;
        std::string low(l);
        for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view key;
        for (std::string_view k : {"migrations-dir", "migrations_dir", "migrationsdir", "use-glob", "ignore-pattern"}) {
            if (low.find(k) != std::string::npos) key = k;
        }
        const bool escaped = low.find('\\') != std::string::npos;
        if (key.empty() && !escaped) return;
        out.push_back(computed("node-pg-migrate", key.empty() ? std::string("migrations-dir") : std::string(key), n,
                               "node-config reads " + shown(path_name(path)) + " in a format pgfence does not parse (" +
                                   (key.empty() ? std::string("this line holds an escape that may spell one of node-pg-migrate's keys")
                                                : "this line names " + std::string(key)) +
                                   "): which folder node-pg-migrate runs is not known",
                               true));
    });
}

bool typeorm_name(std::string_view name) {
    if (name.starts_with("ormconfig.")) return true;
    const bool script = name.ends_with(".ts") || name.ends_with(".js") || name.ends_with(".mts") || name.ends_with(".cts") ||
                        name.ends_with(".mjs") || name.ends_with(".cjs");
    return script && (name.find("data-source") != std::string_view::npos || name.find("datasource") != std::string_view::npos ||
                      name.find("dataSource") != std::string_view::npos);
}

// sequelize-cli's .sequelizerc `migrations-path` (tools/sequelize_rc.cpp), relative to its folder.
void read_sequelizerc(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    for (const auto& p : sequelize_rc_paths(text)) {
        if (p.value) out.push_back(make("sequelize", "migrations-path", p.line, path_folder(path), *p.value, true));
        else out.push_back(computed("sequelize", "migrations-path", p.line, "its value " + shown(p.expr) + " is computed when the tool runs", true));
    }
}

// db-migrate merges rc('db-migrate') over its command line's defaults (db-migrate/node-db-migrate
// lib/commands/set-default-argv.js: deepExtend(internals.argv, rcConfig)); the rc package reads
// .db-migraterc from the folder it runs in and the folders above, as JSON or else as INI
// (dominictarr/rc index.js, lib/utils.js parse). Its `migrations-dir` is relative to that folder.
void read_db_migraterc(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    if (trim(text).starts_with('{')) {
        read_js(path, text, "db-migrate", out);
        return;
    }
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        std::size_t eq = l.find('=');
        if (l.starts_with(';') || l.starts_with('#') || eq == std::string_view::npos || trim(l.substr(0, eq)) != "migrations-dir") return;
        std::string_view raw = trim(l.substr(eq + 1));
        auto q = quoted(raw);
        std::string value = q ? *q : std::string(raw);
        if (value.find_first_of("$`") != std::string::npos) {
            out.push_back(computed("db-migrate", "migrations-dir", n, "its value " + shown(raw) + " is not read", true));
        } else {
            out.push_back(make("db-migrate", "migrations-dir", n, path_folder(path), value, true));
        }
    });
}

// TypeORM 0.2 reads its options from the environment when TYPEORM_CONNECTION or TYPEORM_URL is set,
// loading ormconfig.env (or .env) from the folder it runs in with dotenv; TYPEORM_MIGRATIONS is a
// comma-separated list of globs (typeorm/typeorm src/connection/options-reader/ConnectionOptionsReader.ts
// load; ConnectionOptionsEnvReader.ts: migrations: this.stringToArray(getEnvVariable("TYPEORM_MIGRATIONS"))).
void read_typeorm_env(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    lines(text, [&](int n, std::string_view l) {
        l = trim(l);
        if (l.starts_with("export ")) l = trim(l.substr(7));
        std::size_t eq = l.find('=');
        if (eq == std::string_view::npos || trim(l.substr(0, eq)) != "TYPEORM_MIGRATIONS") return;
        std::string_view raw = trim(l.substr(eq + 1));
        auto q = quoted(raw);
        std::string value = q ? *q : std::string(raw);
        if (value.find_first_of("$`") != std::string::npos) {
            out.push_back(computed("typeorm", "TYPEORM_MIGRATIONS", n, "its value " + shown(raw) + " reads another environment variable", true));
            return;
        }
        std::string_view rest = value;
        while (true) {
            std::size_t comma = rest.find(',');
            std::string_view glob = trim(rest.substr(0, comma));
            if (!glob.empty()) out.push_back(make("typeorm", "TYPEORM_MIGRATIONS", n, path_folder(path), glob_folder(glob), true));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    });
}

bool script_name(std::string_view name) {
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (name.ends_with(ext) && !name.ends_with(".d.ts")) return true;
    }
    return false;
}

// Spring Boot's spring.flyway.* (tools/spring_flyway.cpp), relative to the project (above src/).
void read_spring(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    for (const auto& s : spring_flyway_settings(path_name(path), text)) {
        if (!s.unknown.empty()) {
            out.push_back(computed("flyway", s.key, s.line, s.unknown, false));
            continue;
        }
        for (const auto& f : s.folders) out.push_back(make("flyway", s.key, s.line, project_folder(path), f, false));
    }
}

// drizzle-kit's and Prisma's configuration, and the run-time folders of drizzle-orm's migrate()
// and sqlx's Migrator::new (tools/config_dirs.cpp).
void read_config(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    for (const auto& c : read_config_dirs(path, text)) {
        const std::string base = c.from_project ? project_folder(path) : std::string(path_folder(path));
        if (c.value) out.push_back(make(c.tool, c.setting, c.line, base, *c.value, false));
        else out.push_back(computed(c.tool, c.setting, c.line, "its value " + shown(c.expr) + " is computed when the tool runs", false));
        // .config/prisma.ts: relative to .config/ or to the project above it; both are followed.
        // A path from __dirname (`join(__dirname, '..', 'prisma', 'migrations')`) is the file's folder's only.
        if (c.value && c.tool == "prisma" && path_name(base) == ".config" && c.expr.find("__dirname") == std::string::npos) {
            out.push_back(make(c.tool, c.setting, c.line, path_folder(base), *c.value, false));
        }
    }
}

}  // namespace tool_dirs_detail
using namespace tool_dirs_detail;
namespace {

std::vector<ToolDir> read_all(std::string_view path, std::string_view text, const ReadFile& read);

}  // namespace

std::string lower_ext(std::string_view file) {
    const std::string_view name = path_name(file);
    const std::size_t dot = name.rfind('.');
    std::string out(dot == std::string_view::npos ? std::string_view() : name.substr(dot));
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool data_source_text(std::string_view text) {
    // As a whole word: `new DataSource(`, `new typeorm.DataSource(`, not an app's `queryDataSource(`
    // (a route file of daily-api was read as TypeORM settings).
    const auto word_at = [&](std::string_view word) {
        for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
            const char before = at == 0 ? ' ' : text[at - 1];
            if (!std::isalnum(static_cast<unsigned char>(before)) && before != '_' && before != '$') return true;
        }
        return false;
    };
    return word_at("DataSource(") || word_at("createConnection(");
}

bool tool_settings_file(std::string_view path) { return named_settings_file(path) || script_name(path_name(path)); }

bool test_script(std::string_view path) {
    const std::string_view name = path_name(path);
    if (!script_name(name) && !name.ends_with(".jsx") && !name.ends_with(".tsx")) return false;
    if (name.find(".test.") != std::string_view::npos || name.find(".spec.") != std::string_view::npos) return true;
    return path.starts_with("__tests__/") || path.find("/__tests__/") != std::string_view::npos;
}

bool script_settings_only(std::string_view path) { return !named_settings_file(path) && script_name(path_name(path)) && !psql_script_name(path); }

bool named_settings_file(std::string_view path) {
    const std::string_view name = path_name(path);
    if (name == "diesel.toml" || name == ".env" || name == "package.json" || name == ".npmrc" || name == ".sequelizerc" || name == ".db-migraterc" || name == "Cargo.toml" ||
        name.ends_with(".rs")) {
        return true;
    }
    if (command_file(path) || node_config_file(path) || build_plugin_name(path) || name == "gradle.properties") return true;
    // Alembic 1.16's [tool.alembic] (changelog_dirs.hpp); dotenv files, whose Spring variables
    // changelog_dirs.hpp reads (env_files.hpp).
    if (name == "pyproject.toml" || dotenv_name(path)) return true;
    // settings.gradle and a Gradle version catalog may name flyway-core (changelog_dirs.hpp).
    if (flyway_build_name(path)) return true;
    // Any YAML file may be a Kubernetes manifest whose Job runs psql (read_tool_dirs reads those).
    if (name.ends_with(".yml") || name.ends_with(".yaml")) return true;
    // So may a manifest under a template's name (`migrate-job.yaml.tmpl`: manifest_templates.hpp, red team R90 F7).
    if (manifest_template_name(name)) return true;
    if (name.starts_with("knexfile.") || spring_settings_name(name) || drizzle_config_name(name)) return true;
    // A tsconfig's "ts-node" section preloads code (settings_surface.hpp preload_lines).
    if (tsconfig_name(name)) return true;
    if (name == "default.json" && path_name(path_folder(path)) == "config") return true;
    // db-migrate's and node-pg-migrate's settings, Flyway's: what they write into the SQL they send
    // on each connection (tools/spliced_settings.hpp, tools/session_setup.hpp: Flyway's initSql).
    if (name == "database.json" || name == ".pgmigraterc" || name == "flyway.conf" || name == "flyway.toml" || name == "flyway.user.toml") return true;
    // A TypeORM DataSource may be in any script (`typeorm migration:run -d db.js`: typeorm/typeorm
    // src/commands/CommandUtils.ts loadDataSource takes any file): read_all reads those that make one.
    return typeorm_name(name);
}

std::vector<ToolDir> read_tool_dirs(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolDir> out;
    for (auto& d : read_all(path, text, read)) {
        if (d.data_source.empty()) out.push_back(std::move(d));
        else for (auto& r : resolve_data_source(d, read)) out.push_back(std::move(r));
    }
    // The seed folders the command lines run (tools/seed_dirs.hpp), from the same folders as the
    // migration commands read_all follows.
    const std::string_view name = path_name(path);
    // The SQL files psql runs (tools/psql_files.hpp), the same way.
    auto commands = [&](std::string_view base) {
        for (auto& d : read_seed_dirs(path, text, base, read)) out.push_back(std::move(d));
        for (auto& d : read_psql_files(path, text, base, read)) out.push_back(std::move(d));
    };
    if (name == "package.json") {
        commands(path_folder(path));
    } else if (command_file(path)) {
        if (!runs_from_top(path) || path_folder(path).empty() || name.ends_with(".sh") || name.ends_with(".bash")) commands(path_folder(path));
        if (runs_from_top(path) && !path_folder(path).empty()) commands("");
    } else if ((name.ends_with(".yml") || name.ends_with(".yaml")) && kubernetes_manifest(text)) {
        // A Kubernetes Job's or Pod's container running psql (yaml_exec.hpp): a relative file is
        // read from the repository's top, as an image that copies the repository there runs it.
        for (auto& d : read_psql_files(path, text, "", read)) out.push_back(std::move(d));
    }
    // psql in scripts other than shell (Ruby, Python, #! scripts) and Ansible tasks (psql_scripts.hpp).
    for (auto& d : read_script_psql_files(path, text, read)) out.push_back(std::move(d));
    // The start-up file a PSQLRC names (psqlrc_files.hpp), read from the folders the file's commands run in.
    for (auto& d : read_psqlrc_files(path, text, read)) out.push_back(std::move(d));
    // Liquibase's includeAll / include of .sql files, Sqitch's deploy_dir (changelog_dirs.hpp).
    for (auto& d : read_changelog_dirs(path, text)) out.push_back(std::move(d));
    // diesel_cli loads .env first (dotenvy::dotenv in diesel_cli/src/main.rs), then reads the
    // settings file DIESEL_CONFIG_FILE names instead of diesel.toml, with its paths relative to
    // that file's folder (diesel_cli/src/config.rs Config::file_path, set_relative_path_base).
    if (path_name(path) == ".env") {
        for (const auto& v : env_values(text, "DIESEL_CONFIG_FILE")) {
            const std::string setting = "DIESEL_CONFIG_FILE";
            std::string why;
            std::string file = v.value ? resolve(path_folder(path), *v.value, why) : std::string();
            std::optional<std::string> toml;
            if (!file.empty() && read) toml = read(file);
            if (!toml) {
                out.push_back(computed("diesel", setting, v.line,
                                       "it names the settings file " + shown(v.raw) + ", which pgfence " +
                                           (v.value ? (file.empty() ? why : std::string("cannot read in the repository")) : std::string("cannot resolve (it reads another variable)")),
                                       false));
                continue;
            }
            std::vector<ToolDir> named;
            read_diesel(file, *toml, named);
            if (named.empty()) named.push_back(make("diesel", "[migrations_directory] dir", v.line, path_folder(file), "migrations", false));
            for (auto& d : named) {
                d.setting = setting + " " + shown(file) + " " + d.setting;
                d.line = v.line;
                out.push_back(std::move(d));
            }
        }
    }
    // The same entry found twice (a script read from its own folder and from the repository's top
    // says the same `psql -c` unknown from both) is one: kept once, so its note prints once.
    {
        std::set<std::string> seen;
        std::erase_if(out, [&](const ToolDir& d) {
            std::string key = d.tool + '\n' + d.setting + '\n' + std::to_string(d.line) + '\n' + d.folder + '\n' + d.unknown + '\n' +
                              d.loads_unread + '\n' + d.data_source + '\n' + (d.scripts ? "1" : "0") + '\n' + d.glob;
            for (const auto& c : d.psql_constants) key += "\nc" + c;
            for (const auto& e : d.load_extensions) key += "\ne" + e;
            return !seen.insert(std::move(key)).second;
        });
    }
    if (out.size() > k_most_dirs) {
        const int line = out[k_most_dirs].line;
        std::string tool = out[k_most_dirs].tool, setting = out[k_most_dirs].setting;
        const bool scripts = out[k_most_dirs].scripts;
        out.resize(k_most_dirs);
        out.push_back(computed(std::move(tool), std::move(setting), line,
                               "the file names more than " + std::to_string(k_most_dirs) + " migration folders, and the rest are not read",
                               scripts));
        // What the unread rest selects is not known: any .sql file the pull request adds or changes
        // may be one of them (red team R69 C12: a script's 40th `psql -f` file, edited, ran unread).
        out.back().loads_unread = "a settings or script file names more than " + std::to_string(k_most_dirs) +
                                  " migration folders or files, and pgfence reads the first " + std::to_string(k_most_dirs) +
                                  ": this .sql file may be one of the rest: review it";
    }
    return out;
}

namespace {

std::vector<ToolDir> read_all(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ToolDir> out;
    const std::string_view name = path_name(path);
    if (name == "diesel.toml") read_diesel(path, text, out);
    else if (name == ".env") {
        read_env(path, text, out);
        read_typeorm_env(path, text, out);
        read_mikro_orm_env(path, text, out, read);
    } else if (name == "ormconfig.env") read_typeorm_env(path, text, out);
    else if (name.ends_with(".rs")) {
        read_rust(path, text, out);
        read_config(path, text, out);
    } else if (drizzle_config_name(name) || prisma_config_path(path)) read_config(path, text, out);
    else if (name.starts_with("knexfile.")) read_js(path, text, "knex", out);
    else if (mikro_orm_config_name(name)) read_js(path, text, "mikro-orm", out);  // (mikro_orm_dirs.cpp)
    else if (name == "package.json") {
        read_package_json(path, text, out, path_folder(path), read);
        read_mikro_orm_package(path, text, out, read);
    }
    else if (name == "Cargo.toml") {
        // A crate that depends on sqlx for PostgreSQL: sqlx-cli (`sqlx migrate run`) reads
        // ./migrations of the crate by default (sqlx-cli/src/opt.rs MigrationSourceOpt) and runs a
        // simple migration whole; the folders its migrate!() calls name come from the .rs files
        // (read_rust), and a caller drops this default where one names another folder.
        if (cargo_depends_on_sqlx(text) && text.find("postgres") != std::string_view::npos) {
            out.push_back(make("sqlx", std::string(k_cargo_sqlx_default), 1, path_folder(path), "migrations", false));
        }
    } else if (command_file(path)) {
        // A workflow runs from the top, a script from the top or its own folder: both are followed.
        if (!runs_from_top(path) || path_folder(path).empty() || name.ends_with(".sh") || name.ends_with(".bash")) {
            read_package_json(path, text, out, path_folder(path), read);
        }
        if (runs_from_top(path) && !path_folder(path).empty()) read_package_json(path, text, out, "", read);
    }
    else if (name == ".sequelizerc") read_sequelizerc(path, text, out);
    else if (name == ".db-migraterc") read_db_migraterc(path, text, out);
    else if (spring_settings_name(name)) read_spring(path, text, out);
    else if (typeorm_name(name) || (script_name(name) && !test_script(path) && data_source_text(text))) read_js(path, text, "typeorm", out);
    else if (node_config_file(path) && (script_name(name) || name.ends_with(".json") || name.ends_with(".jsonc") || name.ends_with(".json5"))) {
        read_js(path, text, "node-pg-migrate", out);
    } else if (node_config_file(path)) {
        read_node_config_unparsed(path, text, out);
    }
    if (script_name(name) && !drizzle_config_name(name) && !prisma_config_path(path) && drizzle_migrate_text(text)) read_config(path, text, out);
    // Flyway's Maven and Gradle plugins' locations (tools/flyway_build_plugins.hpp).
    for (const auto& p : flyway_plugin_locations(path, text)) {
        if (!p.unknown.empty()) out.push_back(computed("flyway", p.key, p.line, p.unknown, false));
        for (const auto& f : p.folders) out.push_back(make("flyway", p.key, p.line, path_folder(path), f, false));
    }
    // The folder a container maps to the tool's path: a compose service's volume, a Dockerfile's
    // COPY, a docker run -v (tools/container_settings.hpp).
    if (command_file(path)) {
        const std::string base = runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string() : std::string(path_folder(path));
        for (auto& c : container_dirs(path, text, read)) {
            out.push_back(c.unknown.empty() ? make(c.tool, c.setting, c.line, base, c.folder, false)
                                            : computed(c.tool, c.setting, c.line, c.unknown, false));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const ToolDir& a, const ToolDir& b) { return a.line < b.line; });
    return out;
}

}  // namespace

std::vector<ToolDir> read_knex_module(std::string_view path, std::string_view text, std::string_view knexfile) {
    std::vector<ToolDir> out;
    const std::string run_folder(path_folder(knexfile));
    read_js(path, text, "knex", out, &run_folder);
    return out;
}

ToolDir folder_dir(std::string tool, std::string setting, int line, std::string_view base, std::string_view value, bool scripts) {
    return make(std::move(tool), std::move(setting), line, base, value, scripts);
}

ToolDir unknown_dir(std::string tool, std::string setting, int line, std::string why, bool scripts) {
    return computed(std::move(tool), std::move(setting), line, std::move(why), scripts);
}

std::vector<ToolDir> read_knex_seeds(std::string_view path, std::string_view text, std::string_view run_folder) {
    std::vector<ToolDir> out;
    const std::string folder(run_folder);
    read_js(path, text, "knex", out, &folder, true);
    return out;
}

bool in_tool_dir(std::string_view file, const ToolDir& dir) {
    if (dir.folder.empty() || !dir.loads_unread.empty()) return false;
    if (dir.tool == "psql") return psql_runs_file(file, dir.folder);  // one file or a glob (tools/psql_files.hpp)
    if (dir.folder != "." && !(file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/')) {
        return false;
    }
    if (file.ends_with(".sql")) return true;
    // node-pg-migrate picks its SQL loader by the lower-cased extension (salsita/node-pg-migrate
    // src/migrationLoader.ts associatePathsToExtensions: extname(filePath).toLowerCase()).
    if (dir.tool == "node-pg-migrate" && lower_ext(file) == ".sql") return true;
    if (!dir.scripts) return false;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (file.ends_with(ext) && !file.ends_with(".d.ts")) return true;
    }
    // Knex's other default loadExtensions and node-pg-migrate's numbered files of any name
    // (orm::tool_runs_as_script cites both loaders).
    return (dir.tool == "knex" || dir.tool == "node-pg-migrate") && orm::tool_runs_as_script(file);
}

std::string unread_loaded_file(std::string_view file, const ToolDir& dir) {
    if (in_tool_dir(file, dir) || !tool_loads(file, dir)) return {};
    if (!dir.loads_unread.empty()) return dir.loads_unread;
    const std::string ext = lower_ext(file);
    if (dir.tool == "mikro-orm") {
        return "MikroORM loads the files of " + shown(dir.folder) + " its migrations glob " + shown(dir.glob) +
               " selects, which pgfence does not match (this one, " + (ext.empty() ? std::string("with no extension") : "ending " + shown(ext)) +
               ", is imported as a module if it does): what it runs is not seen (review it, or keep the default glob and .js or .ts names)";
    }
    if (dir.tool == "knex") {
        return "knex loads the files of " + shown(dir.folder) + " its knexfile's migrations.loadExtensions lists as migrations (this one, " +
               (ext.empty() ? std::string("with no extension") : "ending " + shown(ext)) +
               ", required as a JavaScript module), but pgfence does not read it: what it runs is not seen (review it, or give it "
               "a .js or .ts name pgfence reads)";
    }
    return dir.tool + " loads every file of " + shown(dir.folder) + " as a migration (this one, " +
           (ext.empty() ? std::string("with no extension") : "ending " + shown(ext)) +
           ", as a JavaScript module through jiti), but pgfence does not read it: what it runs is not seen (review it, or "
           "give it a .js, .ts or .sql name pgfence reads)";
}

bool tool_loads(std::string_view file, const ToolDir& dir) {
    if (in_tool_dir(file, dir)) return true;
    if (!dir.loads_unread.empty()) {
        // No folder: any .sql file (and an HCL one for atlas, whose desired state is either).
        if (dir.folder.empty()) return lower_ext(file) == ".sql" || (dir.tool == "atlas" && lower_ext(file) == ".hcl");
        // "**": any file (a psql run whose file's name spells no folder): psql reads text whatever
        // the name, so which of them it would run as SQL is decided by their content (psql_runs_text).
        if (dir.folder == "**") return true;
        // A file, a glob, or a folder (a desired-state folder, a computed psql file's folder/**).
        return psql_runs_file(file, dir.folder) || (file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/');
    }
    if (dir.folder.empty()) return false;
    // MikroORM with a glob of its own: any file below the folder may be one it selects.
    if (dir.tool == "mikro-orm") {
        return !dir.glob.empty() && (dir.folder == "." || (file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/'));
    }
    if (dir.tool == "knex") {
        // The files of the folder itself (knex reads no subfolder) whose path.extname() the
        // knexfile's loadExtensions lists (read_js): Node's extname, "" for a dot file or none.
        if (dir.load_extensions.empty()) return false;
        std::string_view name = file;
        if (dir.folder != ".") {
            if (!(file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/')) return false;
            name = file.substr(dir.folder.size() + 1);
        }
        if (name.empty() || name.find('/') != std::string_view::npos) return false;
        const std::size_t dot = name.rfind('.');
        const std::string_view ext = dot == std::string_view::npos || dot == 0 ? std::string_view() : name.substr(dot);
        return std::find(dir.load_extensions.begin(), dir.load_extensions.end(), ext) != dir.load_extensions.end();
    }
    if (dir.tool != "node-pg-migrate") return false;
    // node-pg-migrate loads every file of its folder (not its subfolders) but dot files
    // (salsita/node-pg-migrate src/migration.ts getMigrationFilePaths: readdir, ignorePattern
    // default '^\\..*'), the ones not .sql through jiti as modules (src/migrationLoader.ts
    // resolveMigrationLoader: builtInLoaders.default for any other extension).
    std::string_view rest = file;
    if (dir.folder != ".") {
        if (!(file.size() > dir.folder.size() && file.starts_with(dir.folder) && file[dir.folder.size()] == '/')) return false;
        rest = file.substr(dir.folder.size() + 1);
    }
    return !rest.empty() && rest.find('/') == std::string_view::npos && rest.front() != '.';
}

std::string describe(std::string_view settings_path, const ToolDir& dir) {
    std::string where = shown(settings_path) + ":" + std::to_string(dir.line) + " (" + dir.setting + ")";
    if (!dir.loads_unread.empty() && dir.unknown.empty()) return where + " makes " + dir.tool + " run " + shown(dir.folder) + ": " + dir.loads_unread;
    if (dir.tool == "psql") return where + (dir.unknown.empty() ? " runs the SQL file " + shown(dir.folder) + " with psql" : ": " + dir.unknown);
    if (dir.program) return where + " " + dir.unknown;
    if (!dir.unknown.empty()) return where + " sets the folder " + dir.tool + " reads its migrations from, but " + dir.unknown;
    return where + " puts " + dir.tool + "'s migrations in " + shown(dir.folder);
}

}  // namespace pgfence::analyze::tools
