// Deploy commands that run the down direction or name settings pgfence does not read
// (analyze/migrations/deploy_commands.hpp, red team R79 B9), and npm's other preloads (B2).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/shell_scripts.hpp"
#include "analyze/migrations/workflow_env_writes.hpp"

using namespace pgfence::analyze::tools;

TEST_CASE("destructive verbs of each tool, after the tool word") {
    CHECK_FALSE(destructive_command("npx knex migrate:latest && npx knex migrate:rollback --all").empty());
    CHECK_FALSE(destructive_command("node node_modules/knex/bin/cli.js migrate:down").empty());
    CHECK_FALSE(destructive_command("npx sequelize-cli db:migrate:undo:all --env production").empty());
    CHECK_FALSE(destructive_command("npx node-pg-migrate@7 redo").empty());
    CHECK_FALSE(destructive_command("npx prisma migrate reset --force").empty());
    CHECK_FALSE(destructive_command("supabase db reset --linked").empty());
    CHECK_FALSE(destructive_command("migrate -path db/m -database \"$(DB)\" down 1").empty());
    CHECK_FALSE(destructive_command("goose -dir db postgres \"$DB\" down-to 0").empty());
    CHECK_FALSE(destructive_command("CMD [\"flyway\", \"clean\"]").empty());
    CHECK_FALSE(destructive_command("bundle exec rails db:schema:load").empty());
    CHECK_FALSE(destructive_command("python manage.py migrate billing zero").empty());
    // Up migrations, another program's verbs.
    CHECK(destructive_command("npx knex migrate:latest").empty());
    CHECK(destructive_command("python manage.py migrate").empty());
    CHECK(destructive_command("npm run migrate -- down").empty());
    CHECK(destructive_command("docker compose down").empty());
    CHECK(destructive_command("git reset --hard && make clean").empty());
    // No env word makes a destructive verb harmless: sequelize-cli takes the whole config when the
    // env has none of its own (red team R81a B5).
    CHECK_FALSE(destructive_command("NODE_ENV=test yarn sequelize db:drop").empty());
    CHECK_FALSE(destructive_command("SENTRY_ENV=dev npx knex migrate:rollback --all").empty());
    CHECK_FALSE(destructive_command("db-migrate reset -e dev").empty());
    // Other bin names, words joined as the shell joins them, computed verbs (R81a B3, B4).
    CHECK_FALSE(destructive_command("npx node-pg-migrate-cjs redo").empty());
    CHECK_FALSE(destructive_command("npx mikro-orm-esm schema:drop --run").empty());
    CHECK_FALSE(destructive_command("npx knex migrate:'rollback' --all").empty());
    CHECK_FALSE(destructive_command("npx knex migrate:\"rollback\"").empty());
    CHECK_FALSE(destructive_command("npx knex migrate:$ACTION --all").empty());
    CHECK_FALSE(destructive_command("npx knex migrate:${{ matrix.action }}").empty());
    CHECK_FALSE(destructive_command("npx knex $(cat verb)").empty());
    CHECK_FALSE(destructive_command("npx knex `cat verb`").empty());
    CHECK_FALSE(destructive_command("npx knex --all $STEP").empty());
    CHECK(destructive_command("npx knex migrate:latest --connection \"$DATABASE_URL\"").empty());
    CHECK(destructive_command("npx knex migrate:latest --connection=$DATABASE_URL").empty());
    CHECK(destructive_command("goose -dir db postgres \"$DATABASE_URL\" up").empty());
    CHECK(destructive_command("bundle exec rails db:migrate RAILS_ENV=$ENV").empty());
    CHECK(destructive_command("npm run migrate $X").empty());
    CHECK(destructive_command("{\"release\":\"knex migrate:latest\"}").empty());
    CHECK_FALSE(destructive_command("{\"release\":\"knex migrate:rollback\"}").empty());
}

TEST_CASE("settings named where pgfence does not read them") {
    CHECK_FALSE(unread_settings_command("db-migrate up --config deploy/db.json -e dev").empty());
    CHECK_FALSE(unread_settings_command("graphile-migrate migrate -c db/gm.json5").empty());
    CHECK_FALSE(unread_settings_command("flyway -configFiles=deploy/db.conf migrate").empty());
    CHECK_FALSE(unread_settings_command("      FLYWAY_CONFIG_FILES: deploy/db.conf").empty());
    CHECK_FALSE(unread_settings_command("      PGSERVICEFILE: deploy/pg_service.conf").empty());
    CHECK_FALSE(unread_settings_command("ENV NODE_CONFIG='{\"db\": {}}'").empty());
    CHECK(unread_settings_command("webpack --config webpack.config.js").empty());
    CHECK(unread_settings_command("      NODE_CONFIG_DIR: ./config").empty());
}

TEST_CASE("package.json: deploy-named scripts, and helpers nothing runs") {
    const std::string pkg = "{\n  \"scripts\": {\n    \"migrate\": \"knex migrate:latest\",\n    \"db:rollback\": \"knex migrate:rollback\",\n"
                            "    \"migrate:latest\": \"knex migrate:rollback --all && knex migrate:latest\",\n"
                            "    \"deploy\": \"npm run db:rollback\"\n  }\n}\n";
    auto found = deploy_command_unknowns("package.json", pkg, {});
    REQUIRE(found.size() == 2);
    CHECK(found[0].line == 5);
    CHECK(found[1].line == 6);
    // A Makefile's down target is a helper; its deploy target is not.
    auto make = deploy_command_unknowns("Makefile", "migrate-down:\n\tgoose -dir db postgres x down\ndeploy:\n\tgoose -dir db postgres x reset\n", {});
    REQUIRE(found.size() == 2);
    REQUIRE(make.size() == 1);
    CHECK(make[0].line == 4);
}

TEST_CASE("npm's other preloads and node's unread options") {
    CHECK_FALSE(preload_line("node-options=${NODE_PRELOAD}", true).empty());
    CHECK_FALSE(preload_line("script-shell=./scripts/run", true).empty());
    CHECK_FALSE(preload_line("userconfig=./config/ci.ini", true).empty());
    CHECK(preload_line("node-options=--max-old-space-size=4096", true).empty());
    CHECK_FALSE(preload_line("npm --node-options=\"--require ./x.js\" run migrate", false).empty());
    CHECK_FALSE(preload_line("\"m\": \"node $npm_package_config_pre cli.js migrate:latest\"", false).empty());
    CHECK_FALSE(preload_line("node --env-file=.env.migrate cli.js", false).empty());
    CHECK(preload_line("node --cpu-prof-dir=\"${DIR}\" \"${TARGET}\" >\"${LOG}\" 2>&1 &", false).empty());
    CHECK(preload_line("node - \"$STAGE\" <<'EOF'", false).empty());
}

TEST_CASE("a deploy passing the verb on to a package.json script") {
    const ReadFile read = [](const std::string& path) -> std::optional<std::string> {
        if (path == "package.json") return std::string("{\"scripts\": {\"migrate\": \"node-pg-migrate\"}}\n");
        return std::nullopt;
    };
    CHECK(deploy_command_unknowns(".github/workflows/d.yml", "on: push\njobs:\n  d:\n    steps:\n      - run: npm run migrate up\n", read).empty());
    auto found = deploy_command_unknowns(".github/workflows/d.yml", "on: push\njobs:\n  d:\n    steps:\n      - run: npm run migrate -- down\n", read);
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 5);
    CHECK(deploy_command_line("      - run: npm run migrate down"));
    CHECK_FALSE(deploy_command_line("      - run: npm run migrate up"));
}

TEST_CASE("deploy commands: escapes, Makefile variables and spawns, bounded on hostile input (R82a)") {
    CHECK_FALSE(destructive_command("npx kn\\ex migrate\\:rollback").empty());
    CHECK_FALSE(destructive_command("knex $'migrate:rollback'").empty());
    CHECK(destructive_command("knex 'migrate\\:latest'").empty());
    const ReadFile none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    CHECK(deploy_command_unknowns("Makefile", "KNEX = npx knex\ndeploy:\n\t@$(KNEX) migrate:rollback\n", none).size() == 1);
    CHECK(deploy_command_unknowns("Makefile", "KNEX = npx knex\ndeploy:\n\t@$(KNEX) migrate:latest\n", none).empty());
    // A line of references to a long value: expanded up to 64 KiB, in bounded time.
    std::string make = "V = " + std::string(4000, 'x') + "\ndeploy:\n\t";
    for (int i = 0; i < 20000; ++i) make += "$(V)";
    make += "\n";
    CHECK(deploy_command_unknowns("Makefile", make, none).empty());
    // Nested calls and long argument lists in a deploy script: read in bounded time.
    std::string js = "const cp = require('child_process');\n";
    for (int i = 0; i < 5000; ++i) js += "cp.spawn('x', ['exec(', ";
    const ReadFile script = [&](const std::string& p) -> std::optional<std::string> {
        if (p == "deploy.js") return js;
        return std::nullopt;
    };
    CHECK_FALSE(deploy_command_unknowns("Procfile", "release: node deploy.js\n", script).empty());
}

// Red team R88c F1: the files a command file runs as shell scripts, whatever their names.
TEST_CASE("shell scripts a command file runs whatever their names") {
    CHECK(shell_shebang("#!/bin/sh\necho"));
    CHECK(shell_shebang("#!/usr/bin/env bash\n"));
    CHECK(shell_shebang("#!/usr/bin/env -S bash -e\n"));
    CHECK(shell_shebang("#! /bin/dash\r\n"));
    CHECK_FALSE(shell_shebang("#!/usr/bin/env ruby\n"));
    CHECK_FALSE(shell_shebang("#!/usr/bin/env node\n"));
    CHECK_FALSE(shell_shebang("echo\n"));
    CHECK(shell_view("bin/db-maintenance") == "bin/db-maintenance.sh");
    CHECK(shell_view("scripts/x.sh") == "scripts/x.sh");
    const ReadFile read = [](const std::string& p) -> std::optional<std::string> {
        if (p == "bin/setup") return std::string("#!/usr/bin/env bash\nbundle install\n");
        if (p == "bin/rails") return std::string("#!/usr/bin/env ruby\nrequire 'x'\n");
        if (p == "bin/plain") return std::string("psql -c 'select 1'\n");
        return std::nullopt;
    };
    const std::string workflow = "jobs:\n  a:\n    steps:\n      - run: ./bin/setup\n      - run: bin/rails db:migrate\n      - run: ./bin/plain\n"
                                 "      - run: sh tools/reset.txt && . tools/db.conf\n      - run: node scripts/x.js\n      - run: bash scripts/y.sh\n";
    std::string got;
    for (const auto& s : shell_scripts_run(".github/workflows/d.yml", workflow, read)) got += std::to_string(s.line) + ":" + s.path + " ";
    CHECK(got == "4:bin/setup 6:bin/plain 7:tools/reset.txt 7:tools/db.conf ");
}

// Red team R88c F7: the files a run block sources.
TEST_CASE("files a run block sources") {
    std::string got;
    for (const auto& f : deploy_detail::sourced_files("- run: |\n    set -a; . ./ci.env; set +a\n    source \"$X\"\n    bash x.sh\n    npx mikro-orm migration:up\n", 5)) {
        got += std::to_string(f.line) + ":" + f.word + " ";
    }
    CHECK(got == "2:./ci.env 3:$X ");
}
