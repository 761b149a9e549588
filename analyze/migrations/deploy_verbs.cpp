// The verbs of the migration tools that run the down direction or reset the database, and the
// settings files a command gives that pgfence does not read (split from deploy_commands.cpp, moves
// only): destructive_command, unread_settings_command, deploy_command_line.
#include "analyze/migrations/deploy_commands.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <span>
#include <utility>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/psql_files.hpp"

namespace pgfence::analyze::tools {

using namespace deploy_detail;

namespace {

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

// A package manager's run of a script named for the destructive direction (`npm run db:rollback`):
// `pr` reads a changed line alone, without the package.json it names.
// The words of such a script's name; the first eight are verbs too when passed on to the script's
// tool (`npm run migrate down`).
constexpr std::string_view k_destructive_words[] = {"down", "rollback", "undo", "reset", "drop", "clean",
                                                    "redo", "revert", "fresh", "wipe", "purge", "truncate"};
constexpr std::size_t k_destructive_verbs = 8;

bool runs_destructive_script(std::string_view line) {
    const auto words = std::span(k_destructive_words);
    const auto verbs = words.first(k_destructive_verbs);
    for (const auto& run : scripts_run_in(line)) {
        const std::string n = lower(run.name);
        if (std::any_of(words.begin(), words.end(), [&](std::string_view w) { return n.find(w) != std::string::npos; })) return true;
        for (const auto& word : simple_commands(run.args)) {
            for (const auto& w : word) {
                if (std::find(verbs.begin(), verbs.end(), w) != verbs.end()) return true;
            }
        }
    }
    return false;
}

}  // namespace

namespace deploy_detail {

bool migration_tool_word(std::string_view word) {
    const std::string tool = tool_word(word);
    return tool == "django" || std::any_of(verbs().begin(), verbs().end(), [&](const Verb& verb) { return verb.tool == tool; });
}

}  // namespace deploy_detail

std::string destructive_command(std::string_view command) {
    // One pass over each command's words, the tools started so far in a set: linear in the words
    // (times the verbs), whatever a line repeats.
    for (const auto& words : simple_commands(command)) {
        // Atlas's declarative apply, Hasura's down flags (other_runners.hpp; red team R89 F10, F11).
        if (std::string why = other_destructive_words(words); !why.empty()) return why;
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
                // without_template_words' mark: a Helm, Ansible, just or Task `{{ }}` (template_vars.hpp).
                const bool template_value = words[v].find("$JUST_COMPUTED") != std::string::npos;
                return "this command gives " + *started.begin() +
                       (template_value ? std::string(" a template value pgfence does not render (`{{ }}`)")
                                       : " a word the shell computes (`" + printable(words[v]) + "`)") +
                       ": which verb it runs, the down direction or a reset among them, is not known where the line is read";
            }
            const std::string tool = tool_word(words[v]);
            if (tool == "django" || std::any_of(verbs().begin(), verbs().end(), [&](const Verb& verb) { return verb.tool == tool; })) started.insert(tool);
        }
    }
    return "";
}

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

bool deploy_command_line(std::string_view line) {
    return !destructive_command(line).empty() || !unread_settings_command(line).empty() || runs_destructive_script(line);
}

}  // namespace pgfence::analyze::tools
