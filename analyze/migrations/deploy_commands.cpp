#include "analyze/migrations/deploy_commands.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/yaml_exec.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return s.size() > 80 ? out + "..." : out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A command line's simple commands, each as its words: split at the shell's separators (`&&`,
// `||`, `;`, `|`, `&`, a backquote), words at blanks; parentheses (a subshell, `$(VAR)` of make,
// which must not cut the command in two), the brackets and commas of an exec form (`CMD ["npx",
// "knex", ...]`) and of JSON are dropped, as a word never needs them to name a tool or its verb.
// Quotes are dropped and join what they touch, as the shell joins `migrate:'rollback'` into
// `migrate:rollback` (red team R81a B4); a quoted key before `:` (`"release":"knex ..."`) is a word of
// its own. An opening backquote leaves a `$`` word in the
// command it cuts: a command substitution. Linear in the line.
std::vector<std::vector<std::string>> simple_commands(std::string_view line) {
    std::vector<std::vector<std::string>> out(1);
    std::string word;
    auto end_word = [&] {
        if (!word.empty()) out.back().push_back(std::move(word));
        word.clear();
    };
    char quote = 0;
    bool in_backquote = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"' || c == '\'') {
            if (quote == 0) {
                quote = c;
            } else if (quote == c) {
                quote = 0;
                std::size_t j = i + 1;
                while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
                if (j < line.size() && line[j] == ':') {
                    end_word();
                    i = j;
                }
            } else {
                word += c;
            }
        } else if (c == ';' || c == '|' || c == '&' || c == '`' || c == '\n') {
            end_word();
            // An opening backquote leaves `$`` in the command it cuts: a command substitution.
            if (c == '`') {
                in_backquote = !in_backquote;
                if (in_backquote && !out.back().empty()) out.back().emplace_back("$`");
            }
            if (!out.back().empty() && out.size() < 1024) out.emplace_back();
        } else if (c == ' ' || c == '\t' || c == '[' || c == ']' || c == ',' || c == '{' || c == '}' || c == '\\' || c == '(' || c == ')') {
            end_word();
        } else {
            word += c;
        }
    }
    end_word();
    if (out.back().empty()) out.pop_back();
    return out;
}

// The tool a word starts: its last path part without an npm version (`node_modules/.bin/knex`,
// `node-pg-migrate@7`), or the package's bin script run with node (`node_modules/knex/bin/cli.js`).
std::string tool_word(std::string_view word) {
    for (std::string_view pkg : {"knex", "sequelize-cli", "node-pg-migrate", "typeorm", "db-migrate", "graphile-migrate", "prisma"}) {
        const std::string mark = "node_modules/" + std::string(pkg) + "/";
        if (word.find(mark) != std::string_view::npos) return pkg == "sequelize-cli" ? "sequelize" : std::string(pkg);
    }
    std::string_view base = word.substr(word.rfind('/') == std::string_view::npos ? 0 : word.rfind('/') + 1);
    if (const std::size_t at = base.find('@'); at != std::string_view::npos && at > 0) base = base.substr(0, at);
    if (base == "sequelize-cli") return "sequelize";
    // The other programs of a package's `bin`: node-pg-migrate 7's node-pg-migrate-cjs and
    // node-pg-migrate-esm (its package.json), mikro-orm's mikro-orm-esm (@mikro-orm/cli package.json).
    if (base == "node-pg-migrate-cjs" || base == "node-pg-migrate-esm") return "node-pg-migrate";
    if (base == "mikro-orm-esm") return "mikro-orm";
    if (base == "django-admin" || base == "manage.py") return "django";
    if (base.starts_with("typeorm-ts-node-")) return "typeorm";
    if (base == "rake") return "rails";
    return std::string(base);
}

struct Verb {
    std::string_view tool;
    std::vector<std::string_view> words;  // the verb as the command line spells it, word by word
    std::string_view does;
};

// Each tool's verbs that run the down direction or reset, clean or drop the database, from its
// CLI's source:
// - knex/knex bin/cli.js: commander commands `migrate:rollback` (the last batch, `--all` every one)
//   and `migrate:down` (the last migration's down).
// - sequelize/cli src/sequelize.js: `db:migrate:undo`, `db:migrate:undo:all`, `db:seed:undo`,
//   `db:seed:undo:all`, `db:drop` (src/commands/database.js: DROP DATABASE).
// - salsita/node-pg-migrate bin/node-pg-migrate.ts: action `down` and `redo` (down, then up).
// - prisma/prisma packages/migrate/src/commands/MigrateReset.ts: `migrate reset` drops the
//   database (or its schema) and applies every migration; DbPush.ts `db push --force-reset`.
// - supabase/cli cmd/db.go: `db reset` drops and recreates the local or `--linked` database.
// - golang-migrate/migrate internal/cli/main.go: `down [N]`, `drop` ("Drop everything inside
//   database"), `force V` ("Set version V but don't run migration"), `goto V` (down where V is older).
// - amacneil/dbmate main.go: `rollback` (alias `down`), `drop`.
// - pressly/goose cmd/goose/main.go usage: `down`, `down-to`, `redo`, `reset` ("Roll back all migrations").
// - Flyway's CLI (documentation, Commands): `clean` drops every object of the schemas, `undo`.
// - Rails' activerecord/lib/active_record/railties/databases.rake: db:rollback, db:drop, db:reset,
//   db:purge, db:schema:load, db:structure:load, db:migrate:down, db:migrate:redo,
//   db:migrate:reset, db:seed:replant, db:truncate_all.
// - alembic/command.py `downgrade`; Django's `flush`, `migrate APP zero` (below).
// - typeorm src/commands: `migration:revert`, `schema:drop`; db-migrate lib/commands: `down`, `reset`;
//   graphile-migrate src/commands/reset.ts `reset` (drops and recreates the database).
// - sqlx-cli src/opt.rs: `migrate revert`, `database drop`, `database reset`; diesel_cli
//   src/cli.rs: `migration revert`, `migration redo`, `database reset`, `database drop`.
// - liquibase: rollback*, drop-all; Ecto's mix tasks ecto.rollback, ecto.drop, ecto.reset;
//   Laravel's artisan migrate:rollback/reset/refresh/fresh, db:wipe; sqitch revert, rebase;
//   kysely-ctl `migrate:down` / `migrate:rollback`; mikro-orm migration:down/fresh, schema:drop/fresh.
const std::vector<Verb>& verbs() {
    static const std::vector<Verb> all = {
        {"knex", {"migrate:rollback"}, "runs the down halves of knex's migrations"},
        {"knex", {"migrate:down"}, "runs the down half of knex's last migration"},
        {"sequelize", {"db:migrate:undo"}, "runs the down halves of Sequelize's migrations"},
        {"sequelize", {"db:migrate:undo:all"}, "runs the down halves of every Sequelize migration"},
        {"sequelize", {"db:seed:undo"}, "runs the down halves of Sequelize's seeders"},
        {"sequelize", {"db:seed:undo:all"}, "runs the down halves of Sequelize's seeders"},
        {"sequelize", {"db:drop"}, "drops the database"},
        {"node-pg-migrate", {"down"}, "runs the down halves of node-pg-migrate's migrations"},
        {"node-pg-migrate", {"redo"}, "runs the down halves of node-pg-migrate's migrations, then the up ones"},
        {"prisma", {"migrate", "reset"}, "drops and recreates the database"},
        {"prisma", {"--force-reset"}, "drops and recreates the database"},
        {"supabase", {"db", "reset"}, "drops and recreates the database"},
        {"migrate", {"down"}, "runs the down halves of golang-migrate's migrations"},
        {"migrate", {"drop"}, "drops everything inside the database"},
        {"migrate", {"force"}, "sets the recorded version without running migrations"},
        {"migrate", {"goto"}, "migrates to a version, down halves included"},
        {"dbmate", {"rollback"}, "runs the down half of dbmate's last migration"},
        {"dbmate", {"down"}, "runs the down half of dbmate's last migration"},
        {"dbmate", {"drop"}, "drops the database"},
        {"goose", {"down"}, "runs the down half of goose's last migration"},
        {"goose", {"down-to"}, "runs the down halves of goose's migrations"},
        {"goose", {"redo"}, "runs the down half of goose's last migration, then its up half"},
        {"goose", {"reset"}, "runs the down halves of every goose migration"},
        {"flyway", {"clean"}, "drops every object of the schemas Flyway manages"},
        {"flyway", {"undo"}, "runs Flyway's undo migrations"},
        {"rails", {"db:rollback"}, "runs the down halves of Rails' migrations"},
        {"rails", {"db:drop"}, "drops the database"},
        {"rails", {"db:drop:all"}, "drops the databases"},
        {"rails", {"db:reset"}, "drops and recreates the database"},
        {"rails", {"db:purge"}, "empties the database"},
        {"rails", {"db:schema:load"}, "loads the schema file over the database, dropping its tables"},
        {"rails", {"db:structure:load"}, "loads the structure file over the database"},
        {"rails", {"db:migrate:down"}, "runs the down half of a Rails migration"},
        {"rails", {"db:migrate:redo"}, "runs the down halves of Rails' migrations, then the up ones"},
        {"rails", {"db:migrate:reset"}, "drops and recreates the database"},
        {"rails", {"db:seed:replant"}, "empties every table, then seeds"},
        {"rails", {"db:truncate_all"}, "empties every table"},
        {"alembic", {"downgrade"}, "runs the down halves of Alembic's revisions"},
        {"django", {"flush"}, "empties every table"},
        {"typeorm", {"migration:revert"}, "runs the down half of TypeORM's last migration"},
        {"typeorm", {"schema:drop"}, "drops every table"},
        {"db-migrate", {"down"}, "runs the down halves of db-migrate's migrations"},
        {"db-migrate", {"reset"}, "runs the down halves of every db-migrate migration"},
        {"graphile-migrate", {"reset"}, "drops and recreates the database"},
        {"sqlx", {"migrate", "revert"}, "runs the down half of sqlx's last migration"},
        {"sqlx", {"database", "drop"}, "drops the database"},
        {"sqlx", {"database", "reset"}, "drops and recreates the database"},
        {"diesel", {"migration", "revert"}, "runs the down half of diesel's last migration"},
        {"diesel", {"migration", "redo"}, "runs the down half of diesel's last migration, then its up half"},
        {"diesel", {"database", "reset"}, "drops and recreates the database"},
        {"diesel", {"database", "drop"}, "drops the database"},
        {"liquibase", {"rollback"}, "rolls back Liquibase's changesets"},
        {"liquibase", {"rollback-count"}, "rolls back Liquibase's changesets"},
        {"liquibase", {"rollbackCount"}, "rolls back Liquibase's changesets"},
        {"liquibase", {"rollback-to-date"}, "rolls back Liquibase's changesets"},
        {"liquibase", {"rollbackToDate"}, "rolls back Liquibase's changesets"},
        {"liquibase", {"drop-all"}, "drops every object of the schema"},
        {"liquibase", {"dropAll"}, "drops every object of the schema"},
        {"mix", {"ecto.rollback"}, "runs the down halves of Ecto's migrations"},
        {"mix", {"ecto.drop"}, "drops the database"},
        {"mix", {"ecto.reset"}, "drops and recreates the database"},
        {"artisan", {"migrate:rollback"}, "runs the down halves of Laravel's migrations"},
        {"artisan", {"migrate:reset"}, "runs the down halves of every Laravel migration"},
        {"artisan", {"migrate:refresh"}, "runs the down halves of every Laravel migration, then the up ones"},
        {"artisan", {"migrate:fresh"}, "drops every table"},
        {"artisan", {"db:wipe"}, "drops every table"},
        {"sqitch", {"revert"}, "reverts Sqitch's changes"},
        {"sqitch", {"rebase"}, "reverts Sqitch's changes, then deploys"},
        {"kysely", {"migrate:down"}, "runs the down half of Kysely's last migration"},
        {"kysely", {"migrate:rollback"}, "runs the down halves of Kysely's migrations"},
        {"mikro-orm", {"migration:down"}, "runs the down half of MikroORM's last migration"},
        {"mikro-orm", {"migration:fresh"}, "drops the schema and runs every migration"},
        {"mikro-orm", {"schema:drop"}, "drops the schema"},
        {"mikro-orm", {"schema:fresh"}, "drops and recreates the schema"},
    };
    return all;
}

bool flag_word(std::string_view w) { return w.starts_with("-"); }

// golang-migrate's `migrate` is a common word (`npm run migrate`, `manage.py migrate`): it counts
// where the command gives one of its own flags (as tool_command_line does).
bool golang_migrate(const std::vector<std::string>& words, std::size_t from) {
    for (std::size_t k = from; k < words.size(); ++k) {
        const std::string_view w = words[k];
        for (std::string_view f : {"-path", "--path", "-source", "--source", "-database", "--database"}) {
            if (w == f || (w.starts_with(f) && w.size() > f.size() && w[f.size()] == '=')) return true;
        }
    }
    return false;
}

// A setting a command line or an environment block gives: `NAME=value`, `NAME: value`, `-e NAME=`,
// `ENV NAME value`: whether `name` is set by the words.
bool sets_variable(const std::vector<std::string>& words, std::string_view name) {
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string_view w = words[k];
        if (w == std::string(name) + ":" || w.starts_with(std::string(name) + "=")) return true;
        if (w == name && k > 0 && (words[k - 1] == "ENV" || words[k - 1] == "export" || words[k - 1] == "-" || words[k - 1] == "name:")) return true;
    }
    return false;
}

// A name's words: split at every character but a letter or digit and where a lower-case letter
// meets an upper-case one (`dbReset`), lower-cased.
std::vector<std::string> name_words(std::string_view name) {
    std::vector<std::string> out;
    std::string word;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        const bool camel = i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1]));
        if (!std::isalnum(c) || camel) {
            if (!word.empty()) out.push_back(std::move(word));
            word.clear();
        }
        if (std::isalnum(c)) word += static_cast<char>(std::tolower(c));
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

// The names of a deploy's migrate step: a package.json script, a Makefile target, a justfile recipe.
// A developer's helper by its name: a whole word (split as name_words) that names the destructive
// direction (`db:rollback`, `migrate-down`, `dbReset`) or a test or development run. Whole words
// only: `release-zero-downtime` and `deploy-with-preset` are deploys (red team R81a B6).
bool helper_name(std::string_view name) {
    for (const std::string& part : name_words(name)) {
        if (part.starts_with("test")) return true;
        for (std::string_view w : {"dev", "develop", "development", "local", "e2e", "spec", "specs"}) {
            if (part == w) return true;
        }
        for (std::string_view w : {"down", "rollback", "undo", "reset", "drop", "clean", "redo", "revert", "fresh", "refresh", "wipe", "purge",
                                   "force", "rebase", "flush", "teardown", "destroy", "truncate"}) {
            if (part == w) return true;
        }
    }
    return false;
}

bool deploy_name(std::string_view name) {
    // The scripts npm runs itself on `npm install` and `npm ci` (docs.npmjs.com/cli/using-npm/scripts,
    // "npm ci": preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare;
    // "npm install" the same): a deploy that installs runs them (red team R81a B9).
    for (std::string_view w : {"preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"}) {
        if (name == w) return true;
    }
    if (helper_name(name)) return false;
    const std::string n = lower(name);
    for (std::string_view w : {"migrat", "deploy", "release", "start", "postinstall", "build", "prod", "upgrade", "db:update"}) {
        if (n.find(w) != std::string::npos) return true;
    }
    return false;
}

// A package.json's scripts: (line, name, command) of each `"name": "command"` inside "scripts".
struct Script {
    int line = 1;
    std::string name;
    std::string command;
};

std::vector<Script> package_scripts(std::string_view text) {
    std::vector<Script> out;
    bool in_scripts = false;
    int depth = 0;
    int n = 0;
    for (std::size_t at = 0; at <= text.size();) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (!in_scripts) {
            const std::size_t s = l.find("\"scripts\"");
            if (s == std::string_view::npos) continue;
            in_scripts = true;
            depth = 0;
            l = l.substr(s + 9);
        }
        // Each "name": "command" pair of the line (a one-line package.json holds them all).
        for (std::size_t i = 0; i < l.size();) {
            const char c = l[i];
            if (c == '{') {
                ++depth;
                ++i;
            } else if (c == '}') {
                if (--depth <= 0) {
                    in_scripts = false;
                    break;
                }
                ++i;
            } else if (c == '"') {
                auto str = [&](std::size_t from, std::size_t& end) {
                    std::string v;
                    std::size_t j = from + 1;
                    for (; j < l.size() && l[j] != '"'; ++j) {
                        if (l[j] == '\\' && j + 1 < l.size()) ++j;
                        v += l[j];
                    }
                    end = std::min(j + 1, l.size());
                    return v;
                };
                std::size_t end = 0;
                std::string name = str(i, end);
                std::size_t j = end;
                while (j < l.size() && (l[j] == ' ' || l[j] == '\t')) ++j;
                if (j < l.size() && l[j] == ':') {
                    ++j;
                    while (j < l.size() && (l[j] == ' ' || l[j] == '\t')) ++j;
                    if (j < l.size() && l[j] == '"') {
                        std::string command = str(j, end);
                        if (depth == 1 && out.size() < 4096) out.push_back(Script{n, std::move(name), std::move(command)});
                        i = end;
                        continue;
                    }
                }
                i = end;
            } else {
                ++i;
            }
        }
    }
    return out;
}

// The package.json scripts a command runs (`npm run X`, `npm run-script X`, `npm start`,
// `yarn X`, `yarn run X`, `pnpm X`, `pnpm run X`, `bun run X`), with the words it passes on
// (`npm run migrate down`, `npm run migrate -- down`: node-pg-migrate's documented use is a
// `"migrate": "node-pg-migrate"` script given its verb so).
struct ScriptRun {
    std::string name;
    std::string args;  // at most 64 words, joined by blanks
    // The package it runs in (red team R81a B7): `folder`, relative to where the command runs
    // (npm --prefix / -C, pnpm -C / --dir, yarn --cwd), or the workspace `workspace` names (npm -w /
    // --workspace, pnpm --filter / -F, `yarn workspace X run Y`); `every` for npm's --workspaces / -ws.
    std::optional<std::string> folder;
    std::optional<std::string> workspace;
    bool every = false;
};

// A package manager's flags that take a value: the value is no verb or script name.
bool value_flag(std::string_view w) {
    for (std::string_view f : {"--prefix", "-C", "--dir", "--cwd", "-w", "--workspace", "--filter", "-F"}) {
        if (w == f) return true;
    }
    return false;
}

std::vector<ScriptRun> scripts_run(const std::vector<std::string>& words) {
    std::vector<ScriptRun> out;
    std::optional<std::string> folder, workspace;
    bool every = false;
    auto run = [&](std::size_t at) {
        ScriptRun r{words[at], {}, folder, workspace, every};
        for (std::size_t a = at + 1, n = 0; a < words.size() && n < 64; ++a, ++n) {
            if (words[a] == "--") continue;
            r.args += (r.args.empty() ? "" : " ") + words[a];
        }
        out.push_back(std::move(r));
    };
    auto skip_flags = [&](std::size_t v) {
        while (v < words.size() && flag_word(words[v])) v += value_flag(words[v]) ? 2 : 1;
        return v;
    };
    for (std::size_t k = 0; k + 1 < words.size(); ++k) {
        const std::string pm = tool_word(words[k]);
        if (pm != "npm" && pm != "yarn" && pm != "pnpm" && pm != "bun") continue;
        // Where it runs: the package manager's flags anywhere before `--` (npm reads -w after the
        // script's name too: docs.npmjs.com/cli/commands/npm-run-script, "workspace").
        folder.reset();
        workspace.reset();
        every = false;
        for (std::size_t f = k + 1; f < words.size() && words[f] != "--"; ++f) {
            const std::string_view w = words[f];
            const std::size_t eq = w.find('=');
            const std::string_view key = w.substr(0, eq);
            std::optional<std::string> value;
            if (eq != std::string_view::npos) value = std::string(w.substr(eq + 1));
            else if (value_flag(w) && f + 1 < words.size()) value = words[f + 1];
            if ((pm == "npm" && (w == "--workspaces" || w == "-ws")) || (pm == "pnpm" && (w == "--recursive" || w == "-r"))) every = true;
            if (!value || !key.starts_with("-")) continue;
            if (key == "--prefix" || key == "-C" || key == "--dir" || key == "--cwd") folder = value;
            else if (key == "-w" || key == "--workspace" || key == "--filter" || key == "-F") workspace = value;
        }
        std::size_t v = skip_flags(k + 1);
        if (v >= words.size()) continue;
        if (pm == "yarn" && words[v] == "workspace" && v + 2 < words.size()) {
            workspace = words[v + 1];
            v += 2;
            if (words[v] == "run") ++v;
            if (v < words.size()) run(v);
            continue;
        }
        if (words[v] == "start" || words[v] == "restart") {
            run(v);
            continue;
        }
        if (words[v] == "run" || words[v] == "run-script") {
            v = skip_flags(v + 1);
            if (v < words.size()) run(v);
        } else if (pm == "yarn" || pm == "pnpm") {
            // Their own commands (Yarn's `yarn npm audit`, `yarn workspaces foreach`), not scripts.
            static const std::vector<std::string_view> own = {"install", "add", "remove", "exec", "dlx", "build", "test", "why", "workspace", "i",
                                                              "npm", "workspaces", "up", "upgrade", "set", "config", "plugin", "info", "pack", "patch",
                                                              "unplug", "version", "cache", "link", "unlink", "dedupe", "audit", "outdated", "store"};
            if (std::find(own.begin(), own.end(), words[v]) == own.end()) run(v);
        }
    }
    return out;
}

// A package.json's scripts by name, each one's destructive_command worked out once (a script
// named a thousand times costs one reading).
class PackageScripts {
public:
    explicit PackageScripts(std::vector<Script> scripts) : m_scripts(std::move(scripts)), m_why(m_scripts.size()) {
        for (std::size_t i = 0; i < m_scripts.size(); ++i) m_by_name.emplace(m_scripts[i].name, i);
    }
    [[nodiscard]] const std::vector<Script>& all() const { return m_scripts; }
    // Why the script `name` is destructive or names settings pgfence does not read; "" when neither, or there is none.
    const std::string& why(const std::string& name);
    // The same for the script run with `args` after its command (worked out anew, for the first 64 runs with arguments).
    std::string why(const ScriptRun& run);

private:
    std::vector<Script> m_scripts;
    std::unordered_map<std::string, std::size_t> m_by_name;
    std::vector<std::optional<std::string>> m_why;
    std::size_t m_with_args = 0;
};

}  // namespace

namespace {

// No environment word makes a destructive verb harmless (red team R81a B5: `SENTRY_ENV=dev`,
// `--env development`). Each tool falls back to a connection the deploy gives whatever the env
// names: knex takes the whole knexfile when it has no such environment (knex
// bin/utils/cli-config-utils.js `allConfigs[env] || allConfigs`), sequelize-cli the same
// (lib/helpers/config-helper.js readConfig: `if (api.rawConfig[env])`), db-migrate files
// DATABASE_URL under any env and defaults to `dev` (lib/config.js loadUrl, setCurrent(['dev',
// 'development'])), Rails merges DATABASE_URL into the env's settings. A test suite's
// `RAILS_ENV=test rake db:reset` in a deploy's command file is unknown too: a person tells.

// A word of a tool's command that the shell computes (`migrate:$ACTION`, `$STEP`, `${{
// matrix.action }}`, `$(cat verb)`, a backquote): its verb may be any (red team R81a B4). Not a flag
// (`--url=$X`), a setting (`NAME=$X`), a flag's value (`--connection $DATABASE_URL`) or goose's
// connection string after its driver (`goose postgres "$DATABASE_URL" up`, pressly/goose usage).
bool computed_word(const std::vector<std::string>& words, std::size_t v, const std::set<std::string, std::less<>>& started) {
    const std::string_view w = words[v];
    const std::size_t dollar = w.find('$');
    if (dollar == std::string_view::npos || flag_word(w)) return false;
    if (const std::size_t eq = w.find('='); eq != std::string_view::npos && eq < dollar) return false;
    if (v > 0) {
        const std::string_view prev = words[v - 1];
        // Flags that take no value (knex --all, --esm, --debug; prisma --force; --yes).
        static constexpr std::string_view k_switches[] = {"--all", "--esm", "--debug", "--verbose", "--force", "--yes", "-y", "--dry-run", "--fake"};
        const bool value = flag_word(prev) && prev.find('=') == std::string_view::npos &&
                           std::find(std::begin(k_switches), std::end(k_switches), prev) == std::end(k_switches);
        if (value) return false;
        if (started.contains("goose")) {
            for (std::string_view d : {"postgres", "pgx", "redshift", "mysql", "sqlite3", "mssql", "clickhouse", "tidb", "vertica", "ydb", "turso"}) {
                if (prev == d) return false;
            }
        }
    }
    return true;
}

// `rel` joined to `folder`, `.` and `..` folded; nullopt when it leaves the top, is absolute or
// computed (`$DIR`): a folder pgfence cannot tell.
std::optional<std::string> join_folder(std::string_view folder, std::string_view rel) {
    if (rel.empty() || rel.front() == '/' || rel.front() == '~' || rel.find('$') != std::string_view::npos || rel.find('`') != std::string_view::npos) {
        return std::nullopt;
    }
    std::vector<std::string> parts;
    auto add = [&](std::string_view p) {
        for (std::size_t at = 0; at <= p.size();) {
            const std::size_t slash = std::min(p.find('/', at), p.size());
            const std::string_view part = p.substr(at, slash - at);
            at = slash + 1;
            if (part.empty() || part == ".") continue;
            if (part == "..") {
                if (parts.empty()) return false;
                parts.pop_back();
            } else {
                parts.emplace_back(part);
            }
        }
        return true;
    };
    if (!add(folder) || !add(rel)) return std::nullopt;
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

// The top-level "name" of a package.json (depth 1 only: a nested "name" is another's).
std::string package_name(std::string_view text) {
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        else if (c == '"') {
            std::size_t j = i + 1;
            while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
            if (j >= text.size()) return "";
            const std::string_view key = text.substr(i + 1, j - i - 1);
            std::size_t k = j + 1;
            while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
            if (depth == 1 && key == "name" && k < text.size() && text[k] == ':') {
                ++k;
                while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
                if (k >= text.size() || text[k] != '"') return "";
                const std::size_t end = text.find('"', k + 1);
                return end == std::string_view::npos ? "" : std::string(text.substr(k + 1, end - k - 1));
            }
            i = j;
        }
    }
    return "";
}

// The workspace patterns of a root: package.json "workspaces" (an array, or {"packages": [...]},
// docs.npmjs.com/cli/using-npm/workspaces, Yarn's) and pnpm-workspace.yaml's `packages:` list.
std::vector<std::string> workspace_patterns(std::string_view package_json, std::string_view pnpm_yaml) {
    std::vector<std::string> out;
    if (const std::size_t w = package_json.find("\"workspaces\""); w != std::string_view::npos) {
        const std::size_t open = package_json.find('[', w);
        const std::size_t close = open == std::string_view::npos ? open : package_json.find(']', open);
        if (close != std::string_view::npos) {
            const std::string_view list = package_json.substr(open + 1, close - open - 1);
            for (std::size_t q = list.find('"'); q != std::string_view::npos && out.size() < 64;) {
                const std::size_t e = list.find('"', q + 1);
                if (e == std::string_view::npos) break;
                out.emplace_back(list.substr(q + 1, e - q - 1));
                q = list.find('"', e + 1);
            }
        }
    }
    bool in_packages = false;
    for (const auto& l : logical_lines(pnpm_yaml, true)) {
        std::string_view t = l.text;
        if (!t.empty() && t.front() != ' ' && t.front() != '-') in_packages = t.starts_with("packages:");
        if (!in_packages || out.size() >= 64) continue;
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        if (!t.starts_with("-")) continue;
        t.remove_prefix(1);
        while (!t.empty() && (t.front() == ' ' || t.front() == '"' || t.front() == '\'')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '"' || t.back() == '\'' || t.back() == '\r')) t.remove_suffix(1);
        if (!t.empty()) out.emplace_back(t);
    }
    return out;
}

}  // namespace

std::string destructive_command(std::string_view command) {
    // One pass over each command's words, the tools started so far in a set: linear in the words
    // (times the verbs), whatever a line repeats.
    for (const auto& words : simple_commands(command)) {
        const bool golang = golang_migrate(words, 0);
        std::set<std::string, std::less<>> started;
        for (std::size_t v = 0; v < words.size(); ++v) {
            if (started.contains("django")) {
                if (words[v] == "flush" || words[v] == "reset_db") return "this command runs `manage.py " + printable(words[v]) + "`, which empties every table";
                if (words[v] == "migrate" && v + 2 < words.size() && words[v + 2] == "zero") {
                    return "this command runs `manage.py migrate " + printable(words[v + 1]) + " zero`, which unapplies every migration of the app";
                }
            }
            for (const Verb& verb : verbs()) {
                if (!started.contains(verb.tool) || (verb.tool == "migrate" && !golang) || v + verb.words.size() > words.size()) continue;
                bool all = true;
                for (std::size_t j = 0; j < verb.words.size() && all; ++j) all = words[v + j] == verb.words[j];
                if (!all) continue;
                std::string spelled;
                for (auto w : verb.words) spelled += (spelled.empty() ? "" : " ") + std::string(w);
                return "this command runs " + std::string(verb.tool) + " " + spelled + ", which " + std::string(verb.does) +
                       ": pgfence analyses what the up migrations do, not this, so what it drops or changes is not reviewed";
            }
            if ((started.size() > 1 || (started.size() == 1 && (golang || !started.contains("migrate")))) && computed_word(words, v, started)) {
                return "this command gives " + *started.begin() + " a word the shell computes (`" + printable(words[v]) +
                       "`): which verb it runs, the down direction or a reset among them, is not known where the line is read";
            }
            const std::string tool = tool_word(words[v]);
            if (tool == "django" || std::any_of(verbs().begin(), verbs().end(), [&](const Verb& verb) { return verb.tool == tool; })) started.insert(tool);
        }
    }
    return "";
}

namespace {

const std::string& PackageScripts::why(const std::string& name) {
    static const std::string none;
    const auto it = m_by_name.find(name);
    if (it == m_by_name.end()) return none;
    auto& slot = m_why[it->second];
    if (!slot) {
        slot = destructive_command(m_scripts[it->second].command);
        if (slot->empty()) slot = unread_settings_command(m_scripts[it->second].command);
    }
    return *slot;
}

std::string PackageScripts::why(const ScriptRun& run) {
    const std::string& plain = why(run.name);
    if (!plain.empty() || run.args.empty() || m_with_args >= 64) return plain;
    const auto it = m_by_name.find(run.name);
    if (it == m_by_name.end()) return plain;
    ++m_with_args;
    return destructive_command(m_scripts[it->second].command + " " + run.args);
}

}  // namespace

std::string unread_settings_command(std::string_view command) {
    for (const auto& words : simple_commands(command)) {
        // libpq reads a service file from PGSERVICEFILE, or pg_service.conf in PGSYSCONFDIR
        // (postgresql.org/docs/current/libpq-pgservice.html): its `options` are the session's
        // settings, as PGOPTIONS (red team R79 B13: standard_conforming_strings=off).
        for (std::string_view v : {"PGSERVICEFILE", "PGSYSCONFDIR"}) {
            if (sets_variable(words, v)) {
                return "this line sets " + std::string(v) + ", which names the libpq service file whose options (PGOPTIONS-like session settings) "
                       "every client reads: pgfence does not read it, so how the server reads the migrations' SQL is not known";
            }
        }
        // Flyway loads the files FLYWAY_CONFIG_FILES and -configFiles name besides flyway.conf
        // (Flyway documentation, Configuration Files: Loading): their initSql, placeholders and
        // locations are the run's (red team R79 B18).
        if (sets_variable(words, "FLYWAY_CONFIG_FILES")) {
            return "this line sets FLYWAY_CONFIG_FILES, the settings files Flyway loads, which pgfence does not read: their initSql, "
                   "placeholders and locations are not known";
        }
        // node-config merges NODE_CONFIG's JSON over its files (node-config lib/config.js,
        // "NODE_CONFIG environment variable"): node-pg-migrate's schema and table are among them (R79 B20).
        if (sets_variable(words, "NODE_CONFIG")) {
            return "this line sets NODE_CONFIG, JSON node-config merges over its config/ files (node-pg-migrate reads its schema and "
                   "migrations table from them), which pgfence does not read";
        }
        // db-migrate's --config (db-migrate bin/db-migrate: `config` option, the database.json to
        // use); graphile-migrate's --config / -c (src/commands/_common.ts getSettings: configFile);
        // sequelize-cli's --config (src/core/yargs.js: the configuration file); Flyway's
        // -configFiles (Flyway documentation: Configuration Files). One pass, as above.
        static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> k_config_flags = {
            {"db-migrate", {"--config"}}, {"sequelize", {"--config"}}, {"graphile-migrate", {"--config", "-c"}},
            {"flyway", {"-configFiles", "--configFiles", "-configfiles"}}};
        std::set<std::string, std::less<>> started;
        for (std::size_t v = 0; v < words.size(); ++v) {
            for (const auto& [tool, flags] : k_config_flags) {
                if (!started.contains(tool)) continue;
                for (std::string_view f : flags) {
                    const std::string_view w = words[v];
                    if (w != f && !(w.starts_with(f) && w.size() > f.size() && w[f.size()] == '=')) continue;
                    return "this command gives " + std::string(tool) + " " + std::string(f) + ", a settings file pgfence does not read as " +
                           std::string(tool) + "'s: what it sets (the schema, the SQL run on each connection, the migrations' folder) is not known";
                }
            }
            const std::string tool = tool_word(words[v]);
            for (const auto& entry : k_config_flags) {
                if (entry.first == tool) started.insert(tool);
            }
        }
    }
    return "";
}

namespace {

// A package manager's run of a script named for the destructive direction (`npm run db:rollback`):
// `pr` reads a changed line alone, without the package.json it names.
bool runs_destructive_script(std::string_view line) {
    for (const auto& words : simple_commands(line)) {
        for (const auto& run : scripts_run(words)) {
            const std::string n = lower(run.name);
            for (std::string_view w : {"down", "rollback", "undo", "reset", "drop", "clean", "redo", "revert", "fresh", "wipe", "purge", "truncate"}) {
                if (n.find(w) != std::string::npos) return true;
            }
            // `npm run migrate down`: a verb passed on to the script's tool.
            for (const auto& word : simple_commands(run.args)) {
                for (const auto& w : word) {
                    if (w == "down" || w == "redo" || w == "rollback" || w == "reset" || w == "drop" || w == "undo" || w == "revert" || w == "clean") return true;
                }
            }
        }
    }
    return false;
}

// GitLab CI's `include:` of a file of the repository (`include: 'ci/deploy.yml'`, `- local:
// /ci/deploy.yml`; docs.gitlab.com/ci/yaml/#includelocal): its jobs' scripts run as this file's. One
// that is no command file pgfence reads (command_file) is unknown at its line (red team R81a B8).
std::vector<CommandUnknown> gitlab_local_includes(std::string_view text) {
    std::vector<CommandUnknown> out;
    bool in_include = false;
    int n = 0;
    for (std::size_t at = 0; at <= text.size() && out.size() < 64;) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (l.empty() || l.front() == '#') continue;
        std::string_view value;
        if (l.starts_with("include:")) {
            in_include = true;
            value = l.substr(8);
        } else if (l.front() != ' ' && l.front() != '-') {
            in_include = false;
            continue;
        } else if (in_include) {
            value = l;
        } else {
            continue;
        }
        auto trim = [](std::string_view v) {
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '-' || v.front() == '"' || v.front() == '\'' || v.front() == '[')) v.remove_prefix(1);
            if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '"' || v.back() == '\'' || v.back() == ']')) v.remove_suffix(1);
            return v;
        };
        value = trim(value);
        if (value.starts_with("local:")) {
            value = trim(value.substr(6));
        } else if (value.empty() || value.find(':') != std::string_view::npos || value.starts_with("http")) {
            continue;  // remote:, project:, template:, component: or a key of a local include's block (rules:)
        }
        if (value.empty()) continue;
        std::string file(value.starts_with("/") ? value.substr(1) : value);
        std::replace(file.begin(), file.end(), '*', 'x');
        if (command_file(file)) continue;
        out.push_back(CommandUnknown{n, "this file includes " + printable(value) + ", whose jobs' scripts GitLab CI runs: pgfence does not read it "
                                          "as commands, so what it runs against the database (the down direction, a reset) is not known", {}});
    }
    return out;
}

}  // namespace

bool deploy_command_line(std::string_view line) {
    return !destructive_command(line).empty() || !unread_settings_command(line).empty() || runs_destructive_script(line);
}

namespace {

// The scripts a deploy's commands run by name, followed (issue #53): at most this deep, this many
// and this many bytes in all, each once (a script that runs itself, or two that run each other,
// are read once).
constexpr int k_most_script_depth = 8;
constexpr std::size_t k_most_scripts = 64;
constexpr std::size_t k_most_script_bytes = 4u << 20;

struct Follow {
    int depth = 0;
    std::set<std::string> seen;
    std::size_t scripts = 0;
    std::size_t bytes = 0;
    std::string base;  // where the script being read runs: its caller's folder (the shell's working folder)
    bool keep_helpers = false;  // a Makefile read for a target a command runs: its helper-named targets count
};

std::vector<CommandUnknown> command_unknowns(std::string_view path, std::string_view text, const ReadFile& read, Follow& follow, bool run_script);
std::string target_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read, Follow& follow);

// The repository script a simple command runs by name, as the shell finds it: the command word
// itself when it is a path (`./scripts/deploy`, `scripts/migrate.sh`), or the file a shell or
// `source` is given (`bash scripts/migrate.sh`, `. ./env.sh`; not `sh -c '...'`, whose words are
// the command itself). Leading words that are not the command are passed over: a YAML list's `-`
// and `run:`, a Dockerfile's RUN, variable assignments, sudo, exec, env. "" when it runs none.
std::string script_word(const std::vector<std::string>& words) {
    std::size_t k = 0;
    auto upper = [](std::string_view w) {
        return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
    };
    // The YAML keys whose value is a command line (a workflow's run, a compose service's command
    // or entrypoint, GitLab's script lists); any other key's value is data (`images:
    // registry/x`, `file: ./Dockerfile`, a paths filter's `- '**/Cargo.toml'`), no command.
    static const std::set<std::string_view> k_command_keys = {"run:", "command:", "entrypoint:", "script:", "before_script:", "after_script:",
                                                              "cmd:", "exec:", "build:", "deploy:", "release:", "web:", "worker:"};
    for (; k < words.size(); ++k) {
        const std::string_view w = words[k];
        if (w.ends_with(":") && w.size() > 1 && !upper(w.substr(0, w.size() - 1))) {
            if (!k_command_keys.contains(w)) return "";
            continue;
        }
        // A YAML list item that is a quoted scalar (`- '**/Cargo.toml'`): data.
        if (w == "-" && k + 1 < words.size() && (words[k + 1].starts_with("'") || words[k + 1].starts_with("\""))) return "";
        // `NAME=` whose value the shell split off as the next word (`T=${GITHUB_REF#refs/*/}`).
        if (w.ends_with("=") && w.size() > 1 && std::all_of(w.begin(), w.end() - 1, [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
            ++k;
            continue;
        }
        // A Dockerfile's instructions: only RUN, CMD and ENTRYPOINT run a command (COPY . . copies).
        if (upper(w) && w.size() > 1 && w != "RUN" && w != "CMD" && w != "ENTRYPOINT" && k == 0) return "";
        if (w == "-" || w.ends_with(":") || upper(w) || w == "sudo" || w == "exec" || w == "env" || w == "time" || w == "nohup" || w == "command") continue;
        if (w.find('=') != std::string_view::npos && !w.starts_with("-") && w.find('/') == std::string_view::npos) continue;
        // `NAME=value`, a shell's assignment word whatever its value holds (`DIR=${X:-$ROOT/work}`).
        if (const std::size_t eq = w.find('='); eq != std::string_view::npos && eq > 0 &&
            std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
            continue;
        }
        break;
    }
    if (k >= words.size()) return "";
    std::string_view w = words[k];
    if (w == "bash" || w == "sh" || w == "zsh" || w == "dash" || w == "ksh" || w == "source" || w == ".") {
        for (++k; k < words.size() && words[k].starts_with("-"); ++k) {
            if (!words[k].starts_with("--") && words[k].find('c') != std::string::npos) return "";  // -c: a command string
        }
        if (k >= words.size()) return "";
        return words[k];
    }
    if (w.find('/') == std::string_view::npos) return "";
    // A package's or a tool's own program, not the repository's script.
    if (w.find("node_modules/") != std::string_view::npos || w.find("vendor/bin/") != std::string_view::npos) return "";
    // A path in command position that is no script's: an image reference (`repo/name:tag`), a glob
    // of a paths filter (`**/Cargo.toml`), a file of another kind (`$ROOT/nginx.conf`, an array
    // element on its own line), which a reader of lines would take for a command. A script's name
    // has no extension or a script's (.sh, .bash, .js, .ts, .py, .rb, ...).
    if (w.find(':') != std::string_view::npos || w.find('*') != std::string_view::npos || w.find('#') != std::string_view::npos) return "";
    const std::string_view last = w.substr(w.rfind('/') + 1);
    if (const std::size_t dot = last.rfind('.'); dot != std::string_view::npos && dot > 0) {
        static const std::set<std::string_view> k_script_ext = {"sh", "bash", "zsh", "ksh", "js", "mjs", "cjs", "ts", "mts", "cts", "py", "rb",
                                                                "pl", "php", "bats", "run", "command"};
        if (!k_script_ext.contains(last.substr(dot + 1))) return "";
    }
    return std::string(w);
}

// Why the script `word` a command at `base` runs hides what pgfence must see, "" when it does not:
// its own lines read as a command file's are (destructive verbs, unread settings, the scripts they
// run in turn), or it cannot be read (a computed name, a path leaving the repository).
std::string script_unknown(std::string_view word, std::string_view base, const ReadFile& read, Follow& follow) {
    if (word.find('$') != std::string_view::npos || word.find('`') != std::string_view::npos || word.find('*') != std::string_view::npos) {
        return "this command runs a script by a computed name (" + printable(word.substr(0, 80)) +
               "), which pgfence does not read: the migration commands in it are not seen";
    }
    if (word.starts_with("/") || word.starts_with("~")) return "";  // the image's or the runner's own program, not the repository's
    const std::string file = repository_path(base, word);
    if (file.empty()) {
        return "this command runs the script " + printable(word.substr(0, 80)) +
               ", outside the repository, which pgfence does not read: the migration commands in it are not seen";
    }
    if (!read || follow.seen.contains(file)) return "";
    if (follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts || follow.bytes >= k_most_script_bytes) {
        return "this command runs the script " + printable(file) + " past pgfence's limit of " + std::to_string(k_most_script_depth) +
               " nested or " + std::to_string(k_most_scripts) + " scripts: the migration commands in it are not seen";
    }
    follow.seen.insert(file);
    auto text = read(file);
    if (!text) return "";  // not a file of the repository (one the build makes, a tool's own)
    ++follow.scripts;
    follow.bytes += text->size();
    if (text->find('\0') != std::string::npos) {
        return "this command runs " + printable(file) + ", a binary file pgfence does not read: the migration commands it runs are not seen";
    }
    ++follow.depth;
    std::string caller = std::exchange(follow.base, std::string(base));
    auto found = command_unknowns(file, *text, read, follow, true);
    follow.base = std::move(caller);
    --follow.depth;
    if (found.empty()) return "";
    return "this command runs the script " + printable(file) + ", whose line " + std::to_string(found.front().line) + " says: " + found.front().why;
}

// Why the target a `make T` / `just T` command runs hides what pgfence must see, "" when it does
// not: its recipe's lines, read as the file's other lines are, helper-named targets included (a
// deploy runs it). The file: GNUmakefile, makefile or Makefile of the folder (GNU make's order,
// make manual "What Name to Give Your Makefile"), or justfile / Justfile; `-f F`, `-C D` followed.
std::string target_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read, Follow& follow) {
    std::size_t k = 0;
    while (k < words.size() && (words[k] == "-" || words[k].ends_with(":") || words[k] == "RUN" || words[k] == "sudo")) ++k;
    if (k >= words.size() || !read) return "";
    const bool make = words[k] == "make" || words[k] == "gmake";
    if (!make && words[k] != "just") return "";
    std::string folder(base);
    std::string file;
    std::vector<std::string> wanted;
    for (++k; k < words.size(); ++k) {
        const std::string& w = words[k];
        if ((w == "-C" || w == "--directory" || w == "-f" || w == "--file" || w == "--justfile") && k + 1 < words.size()) {
            const std::string v = words[++k];
            if (v.find_first_of("$`") != std::string::npos) return "this command gives " + printable(words[0]) + " a computed file or folder (" + printable(v.substr(0, 80)) + "): the recipe it runs is not read by pgfence";
            if (w == "-C" || w == "--directory") folder = repository_path(folder, v);
            else file = repository_path(folder, v);
            continue;
        }
        if (w.starts_with("-") || w.find('=') != std::string::npos) continue;
        if (w.find_first_of("$`") != std::string::npos) return "this command runs a " + printable(words[0]) + " target by a computed name (" + printable(w.substr(0, 80)) + "): the recipe it runs is not read by pgfence";
        // A test run's target (`make test`, `make e2e`) resets its own database, as an `npm test` does.
        const std::string n = lower(w);
        if (n.starts_with("test") || n.starts_with("spec") || n.starts_with("e2e")) continue;
        if (wanted.size() < 16) wanted.push_back(w);
    }
    if (wanted.empty()) return "";
    std::optional<std::string> text;
    if (file.empty()) {
        const std::vector<std::string_view> names = make ? std::vector<std::string_view>{"GNUmakefile", "makefile", "Makefile"}
                                                         : std::vector<std::string_view>{"justfile", "Justfile", ".justfile"};
        for (std::string_view n : names) {
            const std::string p = folder.empty() ? std::string(n) : folder + "/" + std::string(n);
            if (follow.seen.contains(p)) return "";
            if ((text = read(p))) {
                file = p;
                break;
            }
        }
    } else if (!follow.seen.contains(file)) {
        text = read(file);
    }
    if (!text || follow.seen.contains(file) || follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts) return "";
    follow.seen.insert(file);
    ++follow.scripts;
    follow.bytes += text->size();
    // Read as the file is (its targets), its helper-named targets kept.
    ++follow.depth;
    const bool keep = std::exchange(follow.keep_helpers, true);
    auto found = command_unknowns(file, *text, read, follow, false);
    follow.keep_helpers = keep;
    --follow.depth;
    for (const auto& u : found) {
        if (std::find(wanted.begin(), wanted.end(), u.target) == wanted.end()) continue;
        return "this command runs the " + std::string(make ? "make" : "just") + " target " + printable(u.target) + " of " + printable(file) +
               ", whose line " + std::to_string(u.line) + " says: " + u.why;
    }
    return "";
}

}  // namespace

std::vector<ScriptRunByName> scripts_run_by_name(std::string_view path, std::string_view text) {
    std::vector<ScriptRunByName> out;
    const std::string_view name = path_name(path);
    if (!command_file(path) || name == "Tiltfile") return out;
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    const std::string base = runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string() : std::string(path_folder(path));
    for (const auto& l : logical_lines(text, yaml)) {
        for (const auto& words : simple_commands(l.text)) {
            const std::string w = script_word(words);
            if (w.empty() || w.find_first_of("$`*") != std::string::npos || w.starts_with("/") || w.starts_with("~")) continue;
            std::string file = repository_path(base, w);
            if (!file.empty() && out.size() < k_most_scripts) out.push_back(ScriptRunByName{l.number, std::move(file)});
        }
    }
    return out;
}

std::vector<CommandUnknown> deploy_command_unknowns(std::string_view path, std::string_view text, const ReadFile& read) {
    Follow follow;
    follow.seen.insert(std::string(path));
    return command_unknowns(path, text, read, follow, false);
}

namespace {

// `run_script`: the text is a script a deploy's command runs by name, read as a shell script
// whatever its name (and not passed over as a developer's helper by its name: a deploy runs it).
std::vector<CommandUnknown> command_unknowns(std::string_view path, std::string_view text, const ReadFile& read, Follow& follow, bool run_script) {
    std::vector<CommandUnknown> out;
    constexpr std::size_t k_most = 64;
    const std::string_view name = run_script ? std::string_view("script.sh") : path_name(path);
    const bool package = name == "package.json";
    const bool dotenv = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    const bool ebext = path.starts_with(".ebextensions/") && name.ends_with(".config");  // YAML or JSON
    const bool yaml_file = name.ends_with(".yml") || name.ends_with(".yaml") || ebext;
    // A Kubernetes Job's or Pod's container command (yaml_exec.hpp), whatever the file's name.
    const bool manifest = yaml_file && !command_file(path) && kubernetes_manifest(text);
    if (!run_script && !package && !dotenv && !manifest && !command_file(path)) return out;
    // The exec-form commands of a YAML file (`command: ["npx", "knex", "migrate:rollback"]`, one
    // word a line), as the program receives them.
    if (yaml_file) {
        for (const auto& c : yaml_exec_commands(text)) {
            if (out.size() >= k_most) break;
            std::string why = destructive_command(c.command);
            if (why.empty()) why = unread_settings_command(c.command);
            if (!why.empty()) out.push_back(CommandUnknown{c.line, std::move(why), {}});
        }
        if (manifest) return out;
    }
    // Tilt runs a developer's local cluster (its buttons and local_resources): not a deploy.
    if (name == "Tiltfile") return out;
    // A script or compose file named for the destructive direction or a test run (`scripts/reset-db.sh`,
    // `docker-compose.test.yml`): a developer's helper, as a package.json `db:rollback`. A deploy that
    // runs it by name is not followed (its command names a file, not a tool).
    const bool compose = (name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"));
    if (!run_script && (name.ends_with(".sh") || name.ends_with(".bash") || compose) && helper_name(name.substr(0, name.rfind('.')))) return out;
    if (package) {
        // A script a deploy's migrate step names, or one such a script runs with npm run.
        PackageScripts scripts(package_scripts(text));
        for (const auto& s : scripts.all()) {
            if (!deploy_name(s.name)) continue;
            std::string why = scripts.why(s.name);
            if (why.empty()) {
                for (const auto& words : simple_commands(s.command)) {
                    for (const auto& run : scripts_run(words)) {
                        if (run.name == s.name) continue;
                        if (const std::string w = scripts.why(run); !w.empty()) {
                            why = "this script runs the script " + printable(run.name) + ": " + w;
                            break;
                        }
                    }
                    if (!why.empty()) break;
                }
            }
            if (why.empty()) why = unread_settings_command(s.command);
            // A script of the repository it runs by name, from the package's folder, where npm runs it.
            if (why.empty()) {
                for (const auto& words : simple_commands(s.command)) {
                    const std::string script = script_word(words);
                    if (!script.empty()) why = script_unknown(script, path_folder(path), read, follow);
                    if (!why.empty()) break;
                }
            }
            if (!why.empty() && out.size() < k_most) out.push_back(CommandUnknown{s.line, "script " + printable(s.name) + ": " + why, {}});
        }
        return out;
    }
    const bool yaml = yaml_file;
    if (name == ".gitlab-ci.yml") {
        for (const auto& inc : gitlab_local_includes(text)) {
            if (out.size() < k_most) out.push_back(inc);
        }
    }
    const bool targets = name == "Makefile" || name == "makefile" || name == "GNUmakefile" || name.ends_with(".mk") || name == "justfile" ||
                         name == "Justfile" || name == ".justfile" || name.ends_with(".just");
    // Where a command file's commands run: a workflow's from the top, another's from its folder.
    const std::string base = run_script ? follow.base
                             : runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string()
                                                                                                         : std::string(path_folder(path));
    // The packages the lines run scripts of, by folder (base's own first), each read once; at most 64.
    std::unordered_map<std::string, std::optional<PackageScripts>> packages;
    auto package_at = [&](const std::string& folder) -> PackageScripts* {
        auto it = packages.find(folder);
        if (it == packages.end()) {
            if (packages.size() >= 64) return nullptr;
            auto pj = read(folder.empty() ? std::string("package.json") : folder + "/package.json");
            it = packages.emplace(folder, pj ? std::optional<PackageScripts>(PackageScripts(package_scripts(*pj))) : std::nullopt).first;
        }
        return it->second ? &*it->second : nullptr;
    };
    // A workspace by its name or folder, among the patterns of base's root (`packages/*` gives
    // packages/<the name's last part>, as npm's and pnpm's init lay them out); nullopt when none
    // has that package.json "name" (red team R81a B7).
    auto workspace_folder = [&](std::string_view spec) -> std::optional<std::string> {
        if (spec.starts_with("./") || spec.starts_with("../") || (spec.find('/') != std::string_view::npos && !spec.starts_with("@"))) {
            return join_folder(base, spec);
        }
        const auto root = read(base.empty() ? std::string("package.json") : base + "/package.json");
        const auto pnpm = read(base.empty() ? std::string("pnpm-workspace.yaml") : base + "/pnpm-workspace.yaml");
        const std::string_view last = spec.substr(spec.rfind('/') == std::string_view::npos ? 0 : spec.rfind('/') + 1);
        for (std::string pattern : workspace_patterns(root ? *root : "", pnpm ? *pnpm : "")) {
            if (pattern.starts_with("!")) continue;
            while (pattern.ends_with("/**") || pattern.ends_with("/*")) pattern.erase(pattern.rfind('/'));
            for (const std::string& candidate : {pattern, pattern + "/" + std::string(last)}) {
                if (candidate.find('*') != std::string::npos) continue;
                const auto folder = join_folder(base, candidate);
                if (!folder) continue;
                const auto pj = read(*folder + "/package.json");
                if (pj && package_name(*pj) == spec) return folder;
            }
        }
        return std::nullopt;
    };
    std::string target;                             // the Makefile target or justfile recipe the line is in
    for (const auto& l : logical_lines(text, yaml)) {
        if (out.size() >= k_most) break;
        const std::string_view t = l.text;
        if (targets && !t.empty() && t.front() != '\t' && t.front() != ' ' && t.front() != '#') {
            const std::size_t colon = t.find(':');
            if (colon != std::string_view::npos && (colon + 1 >= t.size() || t[colon + 1] != '=')) target = std::string(t.substr(0, colon));
        }
        std::string why = dotenv ? std::string() : destructive_command(t);
        if (why.empty() && !dotenv && read) {
            std::optional<std::string> here = base;  // where the line's commands run: `cd` moves it
            for (const auto& words : simple_commands(t)) {
                // `cd DIR` as the command (after a YAML key or list dash: `- run: cd packages/db`).
                std::size_t c = 0;
                while (c < words.size() && (words[c] == "-" || words[c].ends_with(":"))) ++c;
                if (c + 1 < words.size() && words[c] == "cd") {
                    const std::string_view to = words[c + 1];
                    if (to.starts_with("/") && to.find('$') == std::string_view::npos) {
                        // An image's absolute path (`cd /app/services/worker`): the repository's
                        // folder it ends with, the first that holds a package.json; none is unknown.
                        here.reset();
                        for (std::size_t slash = to.find('/', 1); slash != std::string_view::npos && !here; slash = to.find('/', slash + 1)) {
                            if (const auto f = join_folder("", to.substr(slash + 1)); f && !f->empty() && read(*f + "/package.json")) here = f;
                        }
                    } else {
                        here = here ? join_folder(*here, to) : std::nullopt;
                    }
                    continue;
                }
                for (const auto& run : scripts_run(words)) {
                    std::optional<std::string> folder = here;
                    std::string where;
                    if (run.every) {
                        folder.reset();
                        where = "every workspace";
                    } else if (run.workspace) {
                        folder = workspace_folder(*run.workspace);
                        where = "the workspace " + printable(*run.workspace);
                    } else if (run.folder) {
                        folder = here ? join_folder(*here, *run.folder) : std::nullopt;
                        where = "the package in " + printable(*run.folder);
                    } else if (folder != base) {
                        where = "the package in " + (folder ? *folder : std::string("a folder a `cd` computes"));
                    }
                    if (!folder) {
                        why = "this command runs the script " + printable(run.name) + " of " + where +
                              ", which pgfence could not find: what the script runs (the down direction, a reset) is not known";
                        break;
                    }
                    // npm runs in the nearest folder up that holds a package.json (docs.npmjs.com
                    // configuring-npm/folders, "prefix"); none: npm fails.
                    PackageScripts* scripts = package_at(*folder);
                    for (std::string up = *folder; scripts == nullptr && !up.empty();) {
                        up = up.find('/') == std::string::npos ? std::string() : up.substr(0, up.rfind('/'));
                        scripts = package_at(up);
                    }
                    if (scripts == nullptr) continue;
                    if (const std::string w = scripts->why(run); !w.empty()) {
                        why = "this command runs the package.json script " + printable(run.name) + (where.empty() ? "" : " of " + where) + ": " + w;
                    }
                    if (!why.empty()) break;
                }
                if (!why.empty()) break;
            }
        }
        // A script of the repository the command runs by name: its lines are commands too.
        if (why.empty() && !dotenv) {
            for (const auto& words : simple_commands(t)) {
                const std::string script = script_word(words);
                if (!script.empty()) why = script_unknown(script, base, read, follow);
                if (!why.empty()) break;
            }
        }
        // `make T` / `just T`: the target's recipe, in the Makefile or justfile of the folder it runs in.
        if (why.empty() && !dotenv) {
            for (const auto& words : simple_commands(t)) {
                why = target_unknown(words, base, read, follow);
                if (!why.empty()) break;
            }
        }
        if (!why.empty() && targets && helper_name(target) && !follow.keep_helpers) why.clear();  // `migrate-down:`, a developer's
        if (why.empty()) {
            if (dotenv) {
                // A dotenv line: NAME=value as the environment, read by the tool that loads it.
                std::string_view d = t;
                while (!d.empty() && (d.front() == ' ' || d.front() == '\t')) d.remove_prefix(1);
                if (d.starts_with("export ")) d.remove_prefix(7);
                for (std::string_view v : {"NODE_CONFIG=", "PGSERVICEFILE=", "PGSYSCONFDIR=", "FLYWAY_CONFIG_FILES="}) {
                    if (d.starts_with(v)) why = unread_settings_command(std::string(v) + "x");
                }
            } else {
                why = unread_settings_command(t);
            }
        }
        if (!why.empty() && std::none_of(out.begin(), out.end(), [&](const CommandUnknown& u) { return u.line == l.number; })) {
            out.push_back(CommandUnknown{l.number, std::move(why), targets ? target : std::string()});
        }
    }
    return out;
}

}  // namespace

}  // namespace pgfence::analyze::tools
