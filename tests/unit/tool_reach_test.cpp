// Files the project's tool runs that pgfence must select (red team G1): seed folders of seed
// commands, SQL files psql runs, .db-migraterc, TypeORM's TYPEORM_MIGRATIONS, node-pg-migrate's
// files of any name, the migrations of tools pgfence does not read and schema synchronisation.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "analyze/migrations/foreign_migrations.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "analyze/migrations/psql_settings.hpp"
#include "analyze/migrations/psqlrc_files.hpp"
#include "analyze/migrations/tool_renames.hpp"
#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/tool_dirs.hpp"

using namespace pgfence::analyze::tools;

namespace {

std::string folders(const std::vector<ToolDir>& dirs) {
    std::string out;
    for (const auto& d : dirs) {
        out += (out.empty() ? "" : ";") + d.tool + ":" + std::to_string(d.line) + ":" + (d.unknown.empty() ? d.folder : "?");
    }
    return out;
}

ReadFile files(std::map<std::string, std::string> all) {
    return [all](const std::string& p) -> std::optional<std::string> {
        auto it = all.find(p);
        if (it == all.end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace

TEST_CASE("tool_reach: seed commands follow the seed folder") {
    const auto knexfile = files({{"knexfile.js", "module.exports = { migrations: { directory: 'm' }, seeds: { directory: './db/seeds' } };\n"}});
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"knex migrate:latest && knex seed:run\"}}\n", knexfile)) ==
          "knex:1:db/seeds");
    // No knexfile: knex's default ./seeds; --knexfile moves it (unknown).
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"npx knex seed:run\"\n", files({}))) == "knex:1:seeds");
    // (the migrations reader says the same of --knexfile)
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex seed:run --knexfile cfg/k.js\"\n", files({}))) == "knex:1:?;knex:1:?");
    // --knexfile naming a knexfile.* pgfence reads (no --cwd): the CLI runs in its folder, as
    // pgfence reads every knexfile.*; its seeds are that folder's, and the migrations reader adds
    // nothing (the knexfile's own reading is this command's).
    const auto named = files({{"db/knexfile.js", "module.exports = { migrations: { directory: './m' }, seeds: { directory: './s' } };\n"}});
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex seed:run --knexfile db/knexfile.js\"\n", named)) == "knex:1:db/s");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex migrate:latest --knexfile ./db/knexfile.js\"\n", named)).empty());
    // Not followed: another name (its settings-process reading is a knexfile's only by name), a
    // file the repository lacks, a computed value, or --cwd moving the CLI.
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex migrate:latest --knexfile db/other.js\"\n",
                                 files({{"db/other.js", "module.exports = {};\n"}}))) == "knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex migrate:latest --knexfile db/knexfile.ts\"\n", named)) == "knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex migrate:latest --knexfile $KF\"\n", named)) == "knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex migrate:latest --knexfile db/knexfile.js --cwd api\"\n", named)) == "knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex seed:run --cwd api --knexfile db/knexfile.js\"\n", named)) == "knex:1:?;knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex migrate:latest --knexfile ../knexfile.js\"\n", named)) == "knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"sequelize-cli db:seed:all\"\n", files({}))) == "sequelize:1:seeders");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"sequelize db:seed:all\"\n",
                                 files({{".sequelizerc", "module.exports = { 'seeders-path': path.resolve('db', 'seeders') };\n"}}))) ==
          "sequelize:1:db/seeders");
    // seed:make writes a file and runs nothing.
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"knex seed:make x\"\n", files({}))).empty());
}

TEST_CASE("tool_reach: psql -f files, and a computed one unknown") {
    CHECK(folders(read_tool_dirs("Makefile", "deploy:\n\tpsql \"$DATABASE_URL\" -1 -f db/post.sql\n")) == "psql:2:db/post.sql");
    CHECK(folders(read_tool_dirs("Makefile", "x:\n\tpsql --file=a.sql && psql $URL < b.sql\n")) == "psql:2:a.sql;psql:2:b.sql");
    // A loop over a glob runs the files the glob matches (red team R68 B9); over a command's output it is unknown.
    CHECK(folders(read_tool_dirs("Makefile", "x:\n\tfor f in m/*.sql; do psql -f \"$f\"; done\n")) == "psql:2:m/*.sql");
    CHECK(folders(read_tool_dirs("Makefile", "x:\n\tfor f in $(ls m); do psql -f \"$f\"; done\n")) == "psql:2:?");
    ToolDir one = read_tool_dirs("Makefile", "x:\n\tpsql -f db/post.sql\n").front();
    CHECK(in_tool_dir("db/post.sql", one));
    CHECK_FALSE(in_tool_dir("db/other.sql", one));
}

TEST_CASE("tool_reach: psql in Buildkite, Cloud Build, Woodpecker, Kubernetes and Platform.sh files") {
    const std::string line = "    command: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/cleanup.sql\n";
    CHECK(folders(read_tool_dirs(".buildkite/pipeline.yml", "steps:\n  - label: m\n" + line)) == "psql:3:db/cleanup.sql");
    CHECK(folders(read_tool_dirs(".woodpecker.yml", "steps:\n  m:\n    commands:\n      - psql -f db/cleanup.sql\n")) == "psql:4:db/cleanup.sql");
    CHECK(folders(read_tool_dirs(".woodpecker/deploy.yaml", "steps:\n  - psql -f db/cleanup.sql\n")) == "psql:2:db/cleanup.sql");
    // Hooks run in the application's folder.
    CHECK(folders(read_tool_dirs("api/.platform.app.yaml", "hooks:\n  deploy: |\n    psql -f db/cleanup.sql\n")) == "psql:3:api/db/cleanup.sql");
    // Exec form: entrypoint + args (Cloud Build), a block list, command + args (Kubernetes).
    CHECK(folders(read_tool_dirs("cloudbuild.yaml", "steps:\n  - name: postgres:15\n    entrypoint: psql\n"
                                                    "    args: [\"$_URL\", \"-v\", \"ON_ERROR_STOP=1\", \"-f\", \"db/cleanup.sql\"]\n")) ==
          "psql:3:db/cleanup.sql");
    CHECK(folders(read_tool_dirs("cloudbuild.yaml", "steps:\n- name: postgres\n  entrypoint: psql\n  args:\n  - -f\n  - db/a.sql\n"
                                                    "- name: postgres\n  entrypoint: bash\n  args: [\"-c\", \"echo\"]\n")) == "psql:3:db/a.sql");
    const std::string job = "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n"
                            "          command: [\"psql\", \"$(DATABASE_URL)\"]\n          args:\n            - -f\n            - ";
    CHECK(folders(read_tool_dirs("k8s/job.yaml", job + "db/cleanup.sql\n")) == "psql:8:db/cleanup.sql");
    // A path inside the container: unknown, and the repository file it ends with is followed.
    CHECK(folders(read_tool_dirs("k8s/job.yaml", job + "/app/db/cleanup.sql\n", files({{"db/cleanup.sql", "x"}}))) ==
          "psql:8:?;psql:8:db/cleanup.sql");
    CHECK(folders(read_tool_dirs("k8s/job.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command: [\"psql\", \"-c\", \"DROP TABLE x\"]\n")) ==
          "psql:5:?");
    // Not a manifest: a YAML file's psql line is no command.
    CHECK(folders(read_tool_dirs("docs/example.yaml", "run: psql -f db/cleanup.sql\n")).empty());
    CHECK(tool_settings_file("deploy/helm/templates/job.yaml"));
}

TEST_CASE("tool_reach: psql includes") {
    CHECK(folders(read_psql_includes("db/deploy.sql", "\\ir changes/a.sql\n\\i db/b.sql\nSELECT 1; \\include_relative 'c d.sql'\n")) ==
          "psql:1:db/changes/a.sql;psql:2:db/b.sql;psql:3:db/c d.sql");
    CHECK(folders(read_psql_includes("db/deploy.sql", "\\i db/b.sql\n", "sub")) == "psql:1:sub/db/b.sql");
    // A variable, an absolute path, above the top: not known.
    CHECK(folders(read_psql_includes("db/deploy.sql", "\\i :file\n\\i /etc/x.sql\n\\ir ../../x.sql\n")) == "psql:1:?;psql:2:?;psql:3:?");
    // Other meta-commands and text in a literal are no includes.
    CHECK(folders(read_psql_includes("db/deploy.sql", "\\if :x\n\\echo \\i x\nSELECT '\\i x.sql';\n")).empty());
}

TEST_CASE("tool_reach: a \\cd in an included file holds for the includer's later includes") {
    // Red team R71 F10, as psql 15 ran it: db/setup.sql's `\cd db/lib` moves `\i cleanup.sql` to
    // db/lib, and `\ir extra.sql` (db/deploy.sql held as "db/deploy.sql") to db/lib/db/extra.sql.
    const ReadFile read = files({{"db/setup.sql", "\\set ON_ERROR_STOP on\n\\cd db/lib\n"}, {"db/env.sql", "\\cd :target\n"},
                                 {"db/lib/cleanup.sql", "\\i more.sql\n"}});
    PsqlIncludeWalk walk(read, "");
    CHECK(walk.run("db/deploy.sql", "\\i db/setup.sql\n\\i cleanup.sql\n\\ir extra.sql\n") == std::optional<std::string>("db/lib"));
    std::vector<ToolDir> reached;
    for (const auto& r : walk.reached()) reached.push_back(r.dir);
    CHECK(folders(reached) == "psql:1:db/setup.sql;psql:2:db/lib/cleanup.sql;psql:1:db/lib/more.sql;psql:3:db/lib/db/extra.sql");
    // A `\cd` pgfence cannot resolve in an included file: the includer's later `\i` is unknown, and
    // selects any file of its name; `\ir` of a file held by its place stays beside it.
    PsqlIncludeWalk unknown(read, "");
    CHECK_FALSE(unknown.run("db/main.sql", "\\i db/env.sql\n\\i tables.sql\n\\ir beside.sql\n", true).has_value());
    reached.clear();
    for (const auto& r : unknown.reached()) reached.push_back(r.dir);
    CHECK(folders(reached) == "psql:1:db/env.sql;psql:2:?;psql:3:db/beside.sql");
    CHECK(unknown.reached()[1].dir.folder == "**/tables.sql");
    // Each file is walked once per folder it starts in: a file included many times is read once.
    int reads = 0;
    PsqlIncludeWalk counted([&](const std::string&) -> std::optional<std::string> { ++reads; return std::string("SELECT 1;\n"); }, "");
    std::string many;
    for (int i = 0; i < 50; ++i) many += "\\i db/a.sql\n";
    (void)counted.run("db/m.sql", many);
    CHECK(reads == 1);
}

TEST_CASE("tool_reach: what psql would run of a file, found with the one meta-command reader") {
    CHECK(psql_runs_text("# notes\n  \\i db/fix.sql\n"));
    CHECK(psql_runs_text("DROP TABLE users;\n"));
    // A backslash that opens a line inside a quoted literal or a comment is no meta-command (as psql reads it).
    CHECK_FALSE(psql_runs_text("echo 'one\n\\i two'\n"));
    CHECK_FALSE(psql_runs_text("FROM node:22\n/* \n\\! rm */\nRUN make \\\n  all\n"));
}

TEST_CASE("tool_reach: the start-up file a PSQLRC names") {
    auto dirs = [](std::string_view path, std::string_view text, const ReadFile& read = {}) {
        std::string out;
        for (const auto& d : read_tool_dirs(path, text, read)) {
            if (d.setting.starts_with("PSQLRC")) out += (out.empty() ? "" : ";") + std::to_string(d.line) + ":" + d.folder + (d.unknown.empty() ? "" : "?");
        }
        return out;
    };
    CHECK(dirs(".github/workflows/deploy.yml", "jobs:\n  m:\n    env:\n      PSQLRC: db/session-defaults.sql\n") ==
          "4:db/session-defaults.sql;4:db/session-defaults.sql-[0-9]*");
    CHECK(dirs("deploy.sh", "export PSQLRC=\"$PWD/ops/boot\"\npsql -f x.sql\n") == "1:ops/boot;1:ops/boot-[0-9]*");
    CHECK(dirs(".github/workflows/d.yml", "      env:\n        PSQLRC: ${{ github.workspace }}/ops/rc\n") == "2:ops/rc;2:ops/rc-[0-9]*");
    CHECK(dirs("Dockerfile", "ENV PSQLRC /app/db/rc.sql\n", files({{"db/rc.sql", "x"}})) == "1:db/rc.sql;1:db/rc.sql-[0-9]*;1:**/rc.sql?");
    CHECK(dirs("k8s/job.yaml", "kind: Job\n        env:\n        - name: PSQLRC\n          value: db/rc\n") ==
          "4:db/rc;4:db/rc-[0-9]*;4:k8s/db/rc;4:k8s/db/rc-[0-9]*");
    // Not resolved: any file psql would run (folder "**"). Read or unset, /dev/null, empty: nothing.
    CHECK(dirs("deploy.sh", "export PSQLRC=\"$HOME/rc\"\n") == "1:**?");
    CHECK(dirs("deploy.sh", "PSQLRC=~/rc psql -f x.sql\n") == "1:**?");
    CHECK(dirs("tools/main.go", "os.Setenv(\"PSQLRC\", rc)\n") == "1:**?");
    CHECK(dirs("deploy.sh", "echo \"PSQLRC is $PSQLRC\"\nx=$(getenv PSQLRC)\n") == "");
    CHECK(dirs("deploy.sh", "echo \"$PSQLRC\"\nunset PSQLRC\nPSQLRC=/dev/null psql -f x.sql\nPSQLRC= psql -f x.sql\n# PSQLRC=x\n") == "");
    CHECK(psql_runs_file("db/rc-15", psqlrc_versions("db/rc")));
    CHECK(psql_runs_file("db/rc-15.20 (Debian 15.20-0+deb12u1)", psqlrc_versions("db/rc")));
    CHECK_FALSE(psql_runs_file("db/rc-old", psqlrc_versions("db/rc")));
}

TEST_CASE("tool_reach: psql includes pgfence does not follow") {
    // "begin-end" of each, as psql finds a meta-command: at a statement's start, outside quotes and comments.
    auto spans = [](std::string_view text, const std::function<bool(const std::string&)>& found = {}) {
        std::string out;
        for (const auto& u : unfollowed_psql_includes("db/deploy.sql", text, {}, found)) {
            out += (out.empty() ? "" : ";") + std::to_string(u.begin) + "-" + std::to_string(u.end);
        }
        return out;
    };
    CHECK(spans("\\i :file\nDROP TABLE users;\n") == "0-8");
    CHECK(spans("SELECT 1;\n\\ir ../../x.sql \r\n") == "10-25");
    CHECK(spans("\\i db/b.sql\n").empty());
    // Named as a constant but not found: unfollowed only when `found` says so.
    CHECK(spans("\\i db/b.sql\n", [](const std::string& f) { return f != "db/b.sql"; }) == "0-11");
    CHECK(spans("\\ir b.sql\n", [](const std::string& f) { return f == "db/b.sql"; }).empty());
    // In a literal, a comment, or inside a statement (psql appends the file to the query): not these.
    CHECK(spans("SELECT '\n\\i :x';\n-- \\i :y\n/* \n\\i :z */\nSELECT 1\n\\i :w\n;\n").empty());
}

TEST_CASE("tool_reach: each psql meta-command, and whether it starts a statement") {
    std::string seen;
    each_meta_command("\\set x 1\nSELECT 1;\n-- \\i no\n\\i a.sql \r\nSELECT\n\\ir b.sql\n;\n", [&](const MetaCommand& m) {
        seen += std::string(m.name) + (m.at_start ? "@" : "+") + std::to_string(m.begin) + "-" + std::to_string(m.end) + ";";
        return true;
    });
    CHECK(seen == "set@0-8;i@28-36;ir+46-55;");
}

TEST_CASE("tool_reach: psql's own settings in a file psql runs are no statement") {
    // Each line alone: whether it opens the file as one of psql's settings.
    auto setting = [](std::string_view line) {
        const std::string text = std::string(line) + "\nSELECT 1;\n";
        const auto lines = psql_setting_lines(text);
        return lines.size() == 1 && lines.front().first == 0 && lines.front().second == line.size();
    };
    for (std::string_view ok : {"\\set ON_ERROR_STOP on", "\\set ON_ERROR_STOP", "\\set ECHO all", "\\set QUIET 1", "\\set VERBOSITY verbose",
                                "\\set SHOW_CONTEXT never", "\\set", "\\timing", "\\timing on", "\\x", "\\x auto", "\\pset pager off",
                                "\\pset null '(null)'", "\\echo 'migrating users'", "\\echo :foo", "\\qecho done", "\\warn careful",
                                "\\conninfo", "\\encoding"}) {
        INFO(ok);
        CHECK(setting(ok));
    }
    // What changes what runs, or what pgfence does not read as psql would: not one.
    for (std::string_view no : {"\\set tbl users", "\\set AUTOCOMMIT off", "\\set ON_ERROR_ROLLBACK on", "\\set FETCH_COUNT 10",
                                "\\set on_error_stop on", "\\set ECHO :x", "\\set ECHO 'all'", "\\set ECHO all more",
                                "\\echo `psql -c 'DROP TABLE users'`", "\\set ECHO `cmd`", "\\timing on \\\\ DROP TABLE users;",
                                "\\echo a \\echo b", "\\timing1 on", "\\x :v", "\\encoding SJIS", "\\conninfo x", "\\! rm -rf /",
                                "\\gexec", "\\copy t from 'f'", "\\c other", "\\connect other", "\\if :x", "\\o /tmp/out", "\\i a.sql",
                                "\\ir a.sql", "\\cd db", "\\unset ECHO", "\\g", "\\setenv PGOPTIONS x"}) {
        INFO(no);
        CHECK_FALSE(setting(no));
    }
    // A setting the file interpolates reads its value there; one inside a statement, in a quote or a comment is psql's query.
    CHECK(psql_setting_lines("\\set ECHO all\nSELECT :'ECHO';\n").empty());
    CHECK(psql_setting_lines("SELECT 1\n\\timing on\n;\n").empty());
    CHECK(psql_setting_lines("SELECT '\n\\timing on\n';\n-- \\timing on\n").empty());
    const auto crlf = psql_setting_lines("\\set ON_ERROR_STOP on\r\n\\timing on \r\nSELECT 1;\r\n");
    REQUIRE(crlf.size() == 2);
    CHECK(crlf[0] == std::pair<std::size_t, std::size_t>{0, 21});
    CHECK(crlf[1] == std::pair<std::size_t, std::size_t>{23, 33});
}

TEST_CASE("tool_reach: psql includes inlined as psql runs them") {
    std::map<std::string, std::string> files = {{"db/a.sql", "CREATE TABLE a (id int);\n\\ir b.sql\n"},
                                                {"db/b.sql", "CREATE TABLE b (id int);\n"},
                                                {"db/c.sql", "\\ir c.sql\nSELECT 1;\n"}};
    const ReadFile read = [&](const std::string& f) -> std::optional<std::string> {
        auto it = files.find(f);
        if (it == files.end()) return std::nullopt;
        return it->second;
    };
    bool unfollowed = true;
    std::string out = with_included_files("migrations/1.sql", "\\i db/a.sql\nDROP TABLE a;\n", {}, read, unfollowed);
    CHECK_FALSE(unfollowed);
    CHECK(out.find("CREATE TABLE a") < out.find("CREATE TABLE b"));
    CHECK(out.find("CREATE TABLE b") < out.find("DROP TABLE a"));
    CHECK(out.find('\\') == std::string::npos);
    // A file the reader does not give, a file inside itself, a psql variable: not followed.
    (void)with_included_files("migrations/1.sql", "\\i db/none.sql\n", {}, read, unfollowed);
    CHECK(unfollowed);
    (void)with_included_files("db/c.sql", files.at("db/c.sql"), {}, read, unfollowed);
    CHECK(unfollowed);
    (void)with_included_files("migrations/1.sql", "\\i :file\n", {}, read, unfollowed);
    CHECK(unfollowed);
}

TEST_CASE("tool_reach: renames a tool records apart") {
    CHECK(tool_reruns_rename("m/1700_reset.down.sql", "m/1700_reset-audit.down.sql", "node-pg-migrate"));
    CHECK_FALSE(tool_reruns_rename("m/1700_reset.down.sql", "n/1700_reset.down.sql", "node-pg-migrate"));
    CHECK(tool_reruns_rename("db/20240102_reset.down.sql", "db/020240102_reset.down.sql", "dbmate"));
    CHECK_FALSE(tool_reruns_rename("db/20240102_reset.down.sql", "db/20240102_other.down.sql", "dbmate"));
    CHECK_FALSE(tool_reruns_rename("db/00002_reset.down.sql", "db/2_other.down.sql", "goose"));
    CHECK_FALSE(tool_reruns_rename("db/2_reset.down.sql", "db/2_other.down.sql", ""));
}

TEST_CASE("tool_reach: .db-migraterc and TYPEORM_MIGRATIONS") {
    CHECK(folders(read_tool_dirs(".db-migraterc", "{ \"migrations-dir\": \"db/changes\" }\n")) == "db-migrate:1:db/changes");
    CHECK(folders(read_tool_dirs("api/.db-migraterc", "migrations-dir = db/changes\n")) == "db-migrate:1:api/db/changes");
    CHECK(folders(read_tool_dirs("ormconfig.env", "TYPEORM_URL=x\nTYPEORM_MIGRATIONS=db/a/*.js, db/b/**/*.ts\n")) == "typeorm:2:db/a;typeorm:2:db/b");
    CHECK(folders(read_tool_dirs(".env", "TYPEORM_MIGRATIONS=${DIR}/*.js\n")) == "typeorm:1:?");
}

TEST_CASE("tool_reach: node-pg-migrate loads every file of its folder") {
    const auto dirs = read_tool_dirs("package.json", "\"m\": \"node-pg-migrate up\"\n");
    REQUIRE(folders(dirs) == "node-pg-migrate:1:migrations");
    CHECK(in_tool_dir("migrations/1_x.SQL", dirs.front()));
    CHECK(unread_loaded_file("migrations/1_x.SQL", dirs.front()).empty());
    CHECK_FALSE(unread_loaded_file("migrations/1_x.tsx", dirs.front()).empty());
    CHECK_FALSE(unread_loaded_file("migrations/1_x.txt", dirs.front()).empty());
    CHECK(unread_loaded_file("migrations/.keep", dirs.front()).empty());
    CHECK(unread_loaded_file("migrations/sub/1_x.txt", dirs.front()).empty());
}

TEST_CASE("tool_reach: migrations of tools pgfence does not read, and look-alikes") {
    const ReadFile none = files({});
    auto tool = [&](std::string_view path, std::string_view text, const ReadFile& read) {
        auto m = read_foreign_migration(path, text, false, read);
        return m ? m->tool + ":" + std::to_string(m->line) : std::string();
    };
    CHECK(tool("db/changelog.yaml", "databaseChangeLog:\n  - changeSet:\n      id: 1\n", none) == "liquibase:2");
    CHECK(tool("c/2.sql", "-- Liquibase Formatted SQL\n\n--changeset a:2\nDROP TABLE t;\n", none) == "liquibase:3");
    CHECK(tool("deploy/x.sql", "BEGIN;\n", files({{"sqitch.plan", "%project=a\n\nx 2024-01-01T00:00:00Z A <a@x>\n"}})) == "sqitch:1");
    CHECK(tool("deploy/y.sql", "BEGIN;\n", files({{"sqitch.plan", "%project=a\n\nx 2024-01-01T00:00:00Z A <a@x>\n"}})).empty());
    CHECK(tool("schema/1.sql", "DROP TABLE t;\n", files({{"atlas.hcl", "env \"p\" {\n migration {\n dir = \"file://schema\"\n }\n}\n"}})) == "atlas:1");
    CHECK(tool("m/2.json", "{\"name\":\"2\",\"operations\":[{\"drop_table\":{\"name\":\"t\"}}]}\n", none) == "pgroll:1");
    CHECK(tool("db/migrate/2_x.rb", "class X < ActiveRecord::Migration[7.1]\nend\n", none) == "rails:1");
    CHECK(tool("v/b2.py", "revision = 'b2'\ndown_revision = 'a1'\n\ndef upgrade():\n    pass\n", none) == "alembic:4");
    CHECK(tool("shop/migrations/0002_x.py", "from django.db import migrations\nclass Migration(migrations.Migration):\n", none) == "django:2");
    // Look-alikes.
    CHECK(tool("docs/ops.yaml", "operations:\n  - restart\n", none).empty());
    CHECK(tool("scripts/r.py", "revision = 3\n", none).empty());
    // harbor's harbor.yml migrators: `down_revisions`, no alembic, no upgrade() (review #83).
    CHECK(tool("prepare/migrations/version_2_6_0/__init__.py", "revision = '2.6.0'\ndown_revisions = ['2.5.0']\n\ndef migrate(i, o):\n    pass\n", none).empty());
    CHECK(tool("v/c3.py", "from alembic import op\nrevision = 'c3'\ndown_revision = 'b2'\n", none) == "alembic:2");
    CHECK(tool("lib/u.rb", "class U\nend\n", none).empty());
    CHECK(tool("deploy/n.sql", "SELECT 1;\n", none).empty());
    CHECK(tool("shop/migrations/__init__.py", "class Migration(x):\n", none).empty());
}

TEST_CASE("tool_reach: the reason names the tool with its article") {
    const ReadFile none = files({});
    auto why = [&](std::string_view path, std::string_view text) {
        auto m = read_foreign_migration(path, text, false, none);
        return m ? m->why : std::string();
    };
    CHECK(why("priv/repo/migrations/2_x.exs", "defmodule X do\n  use Ecto.Migration\nend\n") ==
          "an Ecto migration: an Ecto migration pgfence does not read: review it, or capture what the tool sends (a later release)");
    CHECK(why("v/b2.py", "revision = 'b2'\ndown_revision = 'a1'\n\ndef upgrade():\n    pass\n").starts_with("an Alembic revision: an Alembic migration pgfence"));
    CHECK(why("db/migrate/2_x.rb", "class X < ActiveRecord::Migration[7.1]\nend\n").starts_with("an Active Record migration: a Rails (Active Record) migration"));
    CHECK(why("m/2.json", "{\"name\":\"2\",\"operations\":[{\"drop_table\":{\"name\":\"t\"}}]}\n").starts_with("a pgroll migration: a pgroll migration"));
}

TEST_CASE("tool_reach: schema synchronisation settings and models") {
    CHECK(schema_sync_settings("new DataSource({ type: 'postgres', synchronize: true })").size() == 1);
    CHECK(schema_sync_settings("new DataSource({ synchronize: false, dropSchema: false })").empty());
    CHECK(schema_sync_settings("new DataSource({\n  synchronize: process.env.SYNC === '1',\n})").front().line == 2);
    CHECK(schema_sync_settings("await sequelize.sync({ alter: true });").size() == 1);
    CHECK(schema_sync_settings("await sequelize.sync();").empty());
    CHECK(schema_sync_settings("await dataSource.synchronize();").empty());
    CHECK(model_line("import { Entity } from 'typeorm';\n@Entity('users')\nclass U {}\n") == 2);
    CHECK(model_line("const x = foo.init();\n") == 0);
    // Schema synchronisation commands: one class with the settings, each tool's models its own.
    CHECK(schema_sync_commands("      - run: npx prisma db push --accept-data-loss\n").size() == 1);
    CHECK(schema_sync_commands("      - run: npx prisma db pull && npx prisma migrate deploy\n").empty());
    CHECK(schema_sync_commands("{\"scripts\":{\"a\":\"drizzle-kit push:pg\",\"b\":\"drizzle-kit pushed\"}}").size() == 1);
    CHECK(schema_sync_commands("release: npx typeorm-ts-node-commonjs schema:sync -d src/ds.ts\n").front().tool == "typeorm");
    CHECK(schema_sync_settings("CMD npx prisma  db\tpush\n").front().tool == "prisma");
    CHECK(model_declaration("prisma/schema.prisma", "datasource db {\n}\nmodel User {\n}\n").line == 3);
    CHECK(model_declaration("src/db/schema.ts", "import { pgTable } from 'drizzle-orm/pg-core';\nexport const t = pgTable('t', {});\n").tool ==
          "drizzle");
    CHECK(model_declaration("src/x.ts", "const t = pgTable('t', {});\n").line == 0);
}
