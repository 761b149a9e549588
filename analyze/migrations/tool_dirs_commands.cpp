// The folders a project's Rust sources (sqlx::migrate!) and command lines (package.json scripts,
// Makefiles, compose files, CI workflows) name for its migration tool (split from tool_dirs.cpp,
// moves only; read_tool_dirs calls them).
#include <cctype>
#include <optional>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/migrations/typeorm_data_source.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {

// sqlx::migrate!("path") embeds the folder at compile time, relative to the crate's root
// (CARGO_MANIFEST_DIR) (launchbadge/sqlx sqlx-macros-core/src/migrate.rs: expand_migrator_from_lit_dir
// resolves the literal with resolve_path); migrate!() is "migrations", which pgfence reads anyway.
void read_rust(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    const Lines lines_of(text);
    for (std::size_t at = text.find("migrate!"); at != std::string_view::npos; at = text.find("migrate!", at + 8)) {
        std::size_t open = at + 8;
        while (open < text.size() && std::isspace(static_cast<unsigned char>(text[open]))) ++open;
        if (open >= text.size() || text[open] != '(') continue;
        std::size_t v = open + 1;
        while (v < text.size() && std::isspace(static_cast<unsigned char>(text[v]))) ++v;
        if (v < text.size() && text[v] == ')') continue;
        const int n = lines_of.at(at);
        if (v < text.size() && text[v] == '"') {
            std::size_t end = text.find('"', v + 1);
            std::string_view lit = end == std::string_view::npos ? std::string_view{} : text.substr(v + 1, end - v - 1);
            if (end != std::string_view::npos && lit.find('\\') == std::string_view::npos) {
                out.push_back(make("sqlx", "migrate!", n, project_folder(path), lit, false));
                continue;
            }
        }
        out.push_back(computed("sqlx", "migrate!", n, "its argument is not one plain string literal", false));
    }
}

namespace {

// A tool's folder given on its command line in a package.json script, relative to the package's
// folder, where npm runs it: `node-pg-migrate up -m db/migrations` or `--migrations-dir=db/migrations`
// (salsita/node-pg-migrate bin/node-pg-migrate.ts: migrationsDirArg 'migrations-dir', alias 'm');
// `dbmate --migrations-dir db/m up` or `-d db/m` (amacneil/dbmate main.go: "migrations-dir", alias
// "d"); `goose -dir db/m postgres ... up` (pressly/goose cmd/goose/main.go: flags.String("dir"));
// `knex migrate:latest --migrations-directory db/m` (knex/knex bin/cli.js: '--migrations-directory
// [path]', relative to the working directory); `sequelize db:migrate --migrations-path db/m`
// (sequelize/cli src/core/yargs.js: 'migrations-path'). The flags that make the tool read its
// migrations or its settings from elsewhere, which pgfence does not follow, are unknown at their
// line: knex's --knexfile and --cwd (bin/cli.js: the knexfile decides the folder and the CLI
// chdirs to it or to --cwd), node-pg-migrate's --config-file (-f), --envPath and --use-glob
// (bin/node-pg-migrate.ts), dbmate's --env-file (main.go), sequelize's --options-path (yargs.js).
struct Cli {
    std::string_view tool;
    std::vector<std::string_view> commands;  // the command as a script names it
    std::vector<std::string_view> folder_flags;
    std::vector<std::string_view> unread_flags;
    bool scripts;
};

const std::vector<Cli>& clis() {
    static const std::vector<Cli> all = {
        // node-pg-migrate's package.json `bin` names three programs: node-pg-migrate,
        // node-pg-migrate-cjs and node-pg-migrate-esm (7.x; red team R81a B3).
        // Its --ignore-pattern (yargs also takes --ignorePattern) is a JavaScript regular expression
        // that replaces the default '\\..*' over each file name of the folder (bin/node-pg-migrate.ts
        // ignorePatternArg; src/migration.ts getMigrationFilePaths: new RegExp(`^${ignorePattern}$`)):
        // pgfence evaluates no regular expression (a backtracking one costs more than linear time),
        // so which files of the folder run is not known (issue #53).
        {"node-pg-migrate", {"node-pg-migrate", "node-pg-migrate-cjs", "node-pg-migrate-esm"}, {"--migrations-dir", "-m"},
         {"--config-file", "-f", "--envPath", "--use-glob", "--ignore-pattern", "--ignorePattern"}, true},
        {"dbmate", {"dbmate"}, {"--migrations-dir", "-d"}, {"--env-file"}, false},
        {"goose", {"goose"}, {"-dir", "--dir"}, {}, false},
        // golang-migrate (golang-migrate/migrate internal/cli/main.go: -path, or -source file://DIR).
        {"migrate", {"migrate"}, {"-path", "--path"}, {"-source", "--source"}, false},
        // diesel_cli (diesel_cli/src/cli.rs: --migration-dir, --config-file).
        {"diesel", {"diesel"}, {"--migration-dir"}, {"--config-file"}, false},
        {"knex", {"knex"}, {"--migrations-directory"}, {"--knexfile", "--cwd"}, true},
        // db-migrate (0.11 lib/commands/set-default-argv.js: 'migrations-dir', alias 'm', default
        // ./migrations; --config names the database.json it reads instead of the working folder's).
        {"db-migrate", {"db-migrate"}, {"--migrations-dir", "-m"}, {"--config"}, true},
        {"sequelize", {"sequelize", "sequelize-cli"}, {"--migrations-path"}, {"--options-path"}, true},
        // sqlx-cli (launchbadge/sqlx sqlx-cli/src/opt.rs: `migrate run` and `database setup|reset`
        // take MigrationSourceOpt `--source`, "Defaults to `migrations/`" unless sqlx.toml sets
        // another; `cargo sqlx` is the same binary). A simple migration is run whole (sqlx-postgres/src/migrate.rs
        // execute_migration: conn.execute(migration.sql)): no up/down markers of other tools.
        {"sqlx", {"sqlx"}, {"--source"}, {}, false},
    };
    return all;
}

// Where `command` is run in `line` as a command word (not part of knexfile or @types/knex), and
// is followed by its arguments: npos when it is not.
std::size_t command_at(std::string_view line, std::string_view command) {
    for (std::size_t at = line.find(command); at != std::string_view::npos; at = line.find(command, at + 1)) {
        const bool start = at == 0 || line[at - 1] == ' ' || line[at - 1] == '"' || line[at - 1] == '/' || line[at - 1] == '\t';
        const std::size_t end = at + command.size();
        // `npx node-pg-migrate@7 up`: npx runs the package at that version (red team R79 B3).
        const bool version = end + 1 < line.size() && line[end] == '@' && std::isalnum(static_cast<unsigned char>(line[end + 1]));
        if (start && (end == line.size() || line[end] == ' ' || version || (line[end] == '"' && at > 0 && line[at - 1] != '"'))) return at;
    }
    return std::string_view::npos;
}

// The flag's value in `rest` (`flag value` or `flag=value`); `present` tells a flag with no value.
std::optional<std::string_view> flag_value(std::string_view rest, std::string_view flag, bool& present) {
    for (std::size_t at = rest.find(flag); at != std::string_view::npos; at = rest.find(flag, at + 1)) {
        if (at == 0 || rest[at - 1] != ' ') continue;
        std::size_t v = at + flag.size();
        if (v < rest.size() && rest[v] != ' ' && rest[v] != '=') continue;
        present = true;
        if (v >= rest.size()) return std::nullopt;
        ++v;
        while (v < rest.size() && rest[v] == ' ') ++v;
        std::size_t end = rest.find(' ', v);
        std::string_view value = rest.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v);
        if (value.empty() || value.front() == '-') return std::nullopt;
        return value;
    }
    return std::nullopt;
}

// The same command lines in a Makefile, a script, a compose file or a CI workflow
// (settings_surface.hpp command_file), relative to `base`: the folder the commands run in.
}  // namespace

// `value` relative to the folder `base` as a repository path; nullopt when it is absolute or climbs
// above the top.
std::optional<std::string> repository_join(std::string_view base, std::string_view value) {
    if (value.empty() || value.front() == '/' || value.front() == '~' || value.front() == '\\') return std::nullopt;
    std::vector<std::string> parts;
    auto add = [&](std::string_view s) {
        while (!s.empty()) {
            const std::size_t slash = s.find('/');
            const std::string_view part = s.substr(0, slash);
            if (part == "..") {
                if (parts.empty()) return false;
                parts.pop_back();
            } else if (!part.empty() && part != ".") {
                parts.emplace_back(part);
            }
            if (slash == std::string_view::npos) break;
            s.remove_prefix(slash + 1);
        }
        return true;
    };
    if (!add(base) || !add(value) || parts.empty()) return std::nullopt;
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

void read_package_json(std::string_view path, std::string_view text, std::vector<ToolDir>& out, std::string_view base, const ReadFile& read) {
    // As the shell (or YAML) hands a command over: a flag on the line after `\` or in a folded
    // block is the command's (red team R79 B7).
    const std::string_view name = path_name(path);
    const auto logical = logical_lines(text, name.ends_with(".yml") || name.ends_with(".yaml"));
    for (const auto& one : logical) [&](int n, std::string_view l) {
        if (auto d = typeorm_cli_data_source(path, n, l); d && base == path_folder(path)) out.push_back(std::move(*d));  // followed in read_tool_dirs
        // MikroORM's CLI (@mikro-orm/cli package.json bin: mikro-orm, mikro-orm-esm): its --config,
        // or the configuration it finds where it runs (mikro_orm_dirs.cpp).
        for (std::string_view c : {"mikro-orm-esm", "mikro-orm"}) {
            const std::size_t cmd = command_at(l, c);
            if (cmd == std::string_view::npos) continue;
            std::string_view rest = l.substr(cmd + c.size());
            rest = rest.substr(0, rest.find_first_of("&;|\""));
            // `MIKRO_ORM_MIGRATIONS_PATH=db/x mikro-orm migration:up`: the environment overrides the
            // configuration's (ConfigurationLoader.loadEnvironmentVars), and is not read here.
            if (const std::string_view before = l.substr(0, cmd); before.find("MIKRO_ORM_") != std::string_view::npos) {
                const std::size_t at = before.find("MIKRO_ORM_");
                out.push_back(computed("mikro-orm", "mikro-orm", n,
                                       "the command line sets " + shown(before.substr(at, before.find_first_of(" =", at) - at)) +
                                           ", which overrides MikroORM's configuration and which pgfence does not read",
                                       true));
                break;
            }
            // A workflow's env: and its commands' writes, or a script's exports before the command.
            if (name != "package.json") read_mikro_orm_workflow_env(n, text, base, out, read);
            read_mikro_orm_command(n, rest, base, out, read);
            break;
        }
        for (const Cli& cli : clis()) [&] {
            std::size_t cmd = std::string_view::npos;
            std::string_view command;
            for (std::string_view c : cli.commands) {
                cmd = command_at(l, c);
                if (cmd != std::string_view::npos) {
                    command = c;
                    break;
                }
            }
            if (cmd == std::string_view::npos) return;
            // The flags after the command, up to the script's next command.
            std::string_view rest = l.substr(cmd + command.size());
            rest = rest.substr(0, rest.find_first_of("&;|\""));
            const std::string tool(cli.tool);
            for (std::string_view flag : cli.unread_flags) {
                bool present = false;
                auto value = flag_value(rest, flag, present);
                if (!present) continue;
                // knex's --knexfile naming a knexfile.* of the repository, with no --cwd: the CLI
                // requires that file and chdirs to its folder (bin/cli.js: cwd =
                // path.dirname(path.resolve(argv.knexfile)), configPath the file itself), which is
                // how pgfence reads every knexfile.* (read_all): that reading is this command's.
                if (flag == "--knexfile" && value && value->find_first_of("$`'\\*?[{") == std::string_view::npos && read) {
                    bool cwd = false;
                    (void)flag_value(rest, "--cwd", cwd);
                    const auto file = repository_join(base, *value);
                    if (!cwd && file && path_name(*file).starts_with("knexfile.") && read(*file)) return;
                }
                out.push_back(computed(tool, tool + " " + std::string(flag), n,
                                       "pgfence does not follow " + std::string(flag) + (value ? " " + shown(*value) : std::string()) +
                                           ", which changes the migrations or the settings the tool reads",
                                       cli.scripts));
                return;
            }
            for (std::string_view flag : cli.folder_flags) {
                bool present = false;
                auto value = flag_value(rest, flag, present);
                if (!present) continue;
                const std::string setting = tool + " " + std::string(flag);
                if (!value || value->find('$') != std::string_view::npos || value->find('`') != std::string_view::npos) {
                    out.push_back(computed(tool, setting, n, "its value " + shown(value.value_or("")) + " reads the environment", cli.scripts));
                } else if (value->find_first_of("*?[{") != std::string_view::npos) {
                    out.push_back(computed(tool, setting, n, "its value " + shown(*value) + " is a pattern, not a folder", cli.scripts));
                } else if (value->find_first_of("'\\") != std::string_view::npos) {
                    out.push_back(computed(tool, setting, n, "its value " + shown(*value) + " is quoted or escaped, and not read", cli.scripts));
                } else {
                    out.push_back(make(tool, setting, n, base, *value, cli.scripts));
                }
                return;  // one folder per tool and line
            }
            // node-pg-migrate with no -m reads ./migrations of the folder it runs in (salsita/
            // node-pg-migrate bin/node-pg-migrate.ts: migrations-dir defaults to join(cwd(),
            // 'migrations')); its files are all loaded (tool_loads), whatever their names.
            // sqlx-cli with no --source reads ./migrations where it runs (sqlx-cli/src/opt.rs
            // MigrationSourceOpt::resolve_path).
            if (cli.tool == "sqlx" && (rest.starts_with(" migrate run") || rest.starts_with(" database setup") || rest.starts_with(" database reset"))) {
                out.push_back(make(tool, "sqlx (default --source)", n, base, "migrations", false));
                return;
            }
            if (cli.tool == "node-pg-migrate" &&
                (rest.find(" up") != std::string_view::npos || rest.find(" down") != std::string_view::npos || rest.find(" redo") != std::string_view::npos)) {
                out.push_back(make(tool, tool + " (default migrations-dir)", n, base, "migrations", true));
            }
        }();
    }(one.number, one.text);
}

}  // namespace pgfence::analyze::tools::tool_dirs_detail
