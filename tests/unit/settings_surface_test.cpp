// A migration tool's settings surface (analyze/tools/settings_surface.hpp): which files count,
// which of their lines set what the tool runs, and the folders tool_dirs.cpp follows from them.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/migrations/sequelize_rc.hpp"
#include "analyze/migrations/settings_surface.hpp"
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

}  // namespace

TEST_CASE("settings_surface: node-config's whole file set") {
    for (const char* p : {"config/default.json", "config/production.json", "config/local.json", "config/local-production.yaml",
                          "config/production-1.json5", "api/config/custom-environment-variables.yml", "config/staging.toml",
                          "config/default.js", "config/production.ts", "config/x.properties", "config/x.xml", "config/x.cjs"}) {
        CHECK(node_config_file(p));
    }
    for (const char* p : {"production.json", "configs/production.json", "config/sub/production.json", "config/types.d.ts",
                          "config/README.md", "config/.json"}) {
        CHECK_FALSE(node_config_file(p));
    }
    CHECK(node_pg_migrate_line("\"migrations-table\": \"pgmigrations_v2\""));
    CHECK(node_pg_migrate_line("migrationsSchema: other"));
    CHECK(node_pg_migrate_line("\"schema\": \"app\""));
    CHECK(node_pg_migrate_line("\"use-glob\": true"));
    CHECK_FALSE(node_pg_migrate_line("\"port\": 8080"));
    CHECK_FALSE(node_pg_migrate_line("\"url\": \"postgres://db/app\""));
    // migrations-dir in production.json is followed like default.json's.
    CHECK(folders(read_tool_dirs("config/production.json", "{\"db\":{\"migrations-dir\":\"db/extra\"}}")) == "node-pg-migrate:1:db/extra");
    CHECK(tool_settings_file("config/local.json"));
}

TEST_CASE("settings_surface: Spring Boot YAML keys under spring.flyway and spring.liquibase") {
    const char* yml =
        "spring:\n"              // 1
        "  datasource:\n"        // 2
        "    url: jdbc:x\n"      // 3
        "  flyway:\n"            // 4
        "    clean-disabled: false\n"  // 5
        "    schemas:\n"         // 6
        "      - app\n"          // 7
        "  liquibase:\n"         // 8
        "    default-schema: app\n"  // 9
        "server:\n"              // 10
        "  port: 8080\n"         // 11
        "---\n"                  // 12
        "spring.flyway.table: hist\n"  // 13
        "spring:\n"              // 14
        "  Flyway:\n"            // 15
        "    cleanOnValidationError: true\n";  // 16
    CHECK(spring_migration_lines("application.yml", yml) == std::vector<int>{4, 5, 6, 7, 8, 9, 13, 15, 16});
    CHECK(spring_migration_lines("application.properties", "server.port=1\nspring.flyway.clean-disabled=false\n# flyway\n") ==
          std::vector<int>{2});
}

TEST_CASE("settings_surface: command lines in Makefiles, scripts and workflows") {
    for (const char* p : {"Makefile", "ops/GNUmakefile", "db.mk", "justfile", "Taskfile.yml", "scripts/migrate.sh", "docker-compose.prod.yml",
                          "compose.yaml", "Dockerfile", ".github/workflows/deploy.yml", ".gitlab-ci.yml"}) {
        CHECK(command_file(p));
    }
    CHECK_FALSE(command_file("src/Makefile.txt"));
    CHECK_FALSE(command_file("docs/workflows/deploy.yml"));
    CHECK(tool_command_line("\tgoose -dir migrations -table goose_v2 postgres $$DATABASE_URL up"));
    CHECK(tool_command_line("  run: ./bin/dbmate --migrations-table v2 up"));
    CHECK(tool_command_line("migrate -path db/m -database $DB up"));
    CHECK(tool_command_line("export GOOSE_TABLE=v2"));
    CHECK(tool_command_line("flyway -cleanDisabled=false migrate"));
    CHECK_FALSE(tool_command_line("\tpython manage.py migrate"));
    CHECK_FALSE(tool_command_line("\tgo test ./..."));
    CHECK_FALSE(tool_command_line("# goose -dir x"));
    CHECK_FALSE(tool_command_line("\tcp goose.go build/"));
    // The folder of a command line is followed: relative to a Makefile's folder, to the top for a workflow.
    CHECK(folders(read_tool_dirs("db/Makefile", "up:\n\tgoose -dir sql/extra postgres x up\n")) == "goose:2:db/sql/extra");
    CHECK(folders(read_tool_dirs(".github/workflows/m.yml", "    - run: migrate -path db/gm up\n")) == "migrate:1:db/gm");
    CHECK(folders(read_tool_dirs("scripts/m.sh", "goose -dir sql up\n")) == "goose:1:scripts/sql;goose:1:sql");
    CHECK(folders(read_tool_dirs("Makefile", "up:\n\tgoose -dir $(DIR) up\n")) == "goose:2:?");
}

TEST_CASE("settings_surface: relative modules, DIESEL_CONFIG_FILE, .sequelizerc config") {
    auto mods = relative_modules("config/knex.js", "const a = require('./mig');\nconst b = require(\"../shared/t.json\");\n"
                                                   "const pg = require('pg');\nimport x from './y';\nconst c = require(name);\n");
    REQUIRE(mods.size() == 4);
    CHECK(mods[0].spec == "config/mig");
    CHECK(mods[1].spec == "shared/t.json");
    CHECK(mods[2].spec.empty());  // computed: require(name)
    CHECK(mods[2].line == 5);
    CHECK(mods[3].spec == "config/y");
    CHECK(relative_modules("knexfile.js", "require('../../etc/passwd')").empty());  // above the top
    CHECK(module_candidates("config/mig").at(1) == "config/mig.js");
    auto env = env_values("A=1\nexport DIESEL_CONFIG_FILE=\"config/d.toml\"\nDIESEL_CONFIG_FILE=${X}\n", "DIESEL_CONFIG_FILE");
    REQUIRE(env.size() == 2);
    CHECK(env[0].value == std::optional<std::string>("config/d.toml"));
    CHECK_FALSE(env[1].value);
    // .env's DIESEL_CONFIG_FILE: the named file's dir, relative to that file's folder.
    ReadFile read = [](const std::string& p) -> std::optional<std::string> {
        if (p == "config/d.toml") return std::string("[migrations_directory]\ndir = \"../db/extra\"\n");
        return std::nullopt;
    };
    CHECK(folders(read_tool_dirs(".env", "DIESEL_CONFIG_FILE=config/d.toml\n", read)) == "diesel:1:db/extra");
    CHECK(folders(read_tool_dirs(".env", "DIESEL_CONFIG_FILE=config/none.toml\n", read)) == "diesel:1:?");
    auto rc = sequelize_rc_config_paths("module.exports = { 'config': path.resolve('db', 'cfg.json'), 'migrations-path': path.resolve('m') };");
    REQUIRE(rc.size() == 1);
    CHECK(rc[0].value == std::optional<std::string>("db/cfg.json"));
    auto mp = sequelize_rc_paths("module.exports = { 'config': path.resolve('db', 'cfg.json'), 'migrations-path': path.resolve('m') };");
    REQUIRE(mp.size() == 1);
    CHECK(mp[0].value == std::optional<std::string>("m"));
    CHECK(sequelize_rc_config_paths("  myconfig: 'x',\n  'migrations-config': 'y'\n").empty());
}

TEST_CASE("settings_surface: linear on hostile input") {
    std::string big(1 << 20, ' ');
    for (std::size_t i = 0; i < big.size(); i += 10) big.replace(i, 9, "require(x");
    (void)relative_modules("knexfile.js", big);
    std::string yaml;
    for (int i = 0; i < 20000; ++i) yaml += std::string(static_cast<std::size_t>(i % 200), ' ') + "k:\n";
    (void)spring_migration_lines("application.yml", yaml);
}

TEST_CASE("settings_surface: what a settings script reads from the environment and node-config") {
    auto env = script_env("const t = process.env.KNEX_TABLE;\nconst s = process.env['KNEX_SCHEMA'];\nconst u = process.env.KNEX_TABLE;\n");
    CHECK(env.names == std::vector<std::string>{"KNEX_SCHEMA", "KNEX_TABLE"});
    CHECK_FALSE(env.computed);
    CHECK(script_env("const k = 'T'; module.exports = { t: process.env[k] };").computed);
    CHECK(script_env("const { T } = process.env;").computed);
    CHECK(loads_package("const config = require('config');", "config"));
    CHECK(loads_package("import config from \"config\";", "config"));
    CHECK_FALSE(loads_package("const c = { name: 'config' };", "config"));
    CHECK_FALSE(loads_package("const c = require('./config');", "config"));
}

TEST_CASE("settings_surface: .sequelizerc assignments, options-path and readFileSync") {
    auto rc = sequelize_rc_config_paths("exports.config = path.resolve('db', 'cfg.json');\nmodule.exports.config = __dirname + '/x.json';\n");
    REQUIRE(rc.size() == 2);
    CHECK(rc[0].value == std::optional<std::string>("db/cfg.json"));
    CHECK_FALSE(rc[1].value);  // computed
    CHECK(sequelize_rc_config_paths("if (exports.config == x) {}\n").empty());
    auto opts = sequelize_rc_options_paths("module.exports = { 'options-path': 'db/options.json' };");
    REQUIRE(opts.size() == 1);
    CHECK(opts[0].value == std::optional<std::string>("db/options.json"));
    auto mods = relative_modules("api/knexfile.js", "const t = JSON.parse(fs.readFileSync('db/table.json', 'utf8'));\n"
                                                    "const u = fs.readFileSync(path.join(__dirname, 'x'));\n");
    REQUIRE(mods.size() == 2);
    CHECK(mods[0].spec == "api/db/table.json");
    CHECK(mods[1].spec.empty());
    CHECK(command_file("fly.toml"));
    CHECK_FALSE(command_file("Cargo.toml"));
    CHECK(folders(read_tool_dirs("Makefile", "db:\n\tdiesel migration run --migration-dir db/dsl\n")) == "diesel:2:db/dsl");
}

TEST_CASE("settings_surface: settings files a command line names") {
    auto named = named_settings_files("Makefile", "m:\n\tflyway -configFiles=conf/a.conf,conf/b.conf migrate\n\tknex migrate:latest --knexfile db/k.js\n"
                                                  "\techo --knexfile nothing\n\tdbmate --env-file $ENV up\n", "");
    REQUIRE(named.size() == 3);
    CHECK(named[0].path == "conf/a.conf");
    CHECK(named[1].path == "conf/b.conf");
    CHECK(named[2].path == "db/k.js");
    CHECK(named[2].line == 3);
    auto pkg = named_settings_files("api/package.json", "\"m\": \"node-pg-migrate up -f cfg/pgm.json\"", "api");
    REQUIRE(pkg.size() == 1);
    CHECK(pkg[0].path == "api/cfg/pgm.json");
}
