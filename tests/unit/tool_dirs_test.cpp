// The other tools' migration folders (analyze/tools/tool_dirs.hpp): each reader against the
// settings as the tool reads them, the computed values that stay unknown, and hostile inputs that
// must cost no more than linear time.
#include <catch2/catch.hpp>

#include <map>
#include <string>

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

TEST_CASE("tool_dirs: diesel.toml, relative to its own folder") {
    CHECK(folders(read_tool_dirs("diesel.toml", "[print_schema]\nfile = \"x\"\n[migrations_directory]\ndir = \"db/m\"\n")) ==
          "diesel:4:db/m");
    CHECK(folders(read_tool_dirs("api/diesel.toml", "[migrations_directory]\ndir = '../shared/m' # comment\n")) ==
          "diesel:2:shared/m");
    // A dir outside [migrations_directory] is another setting; one above the top is not a folder.
    CHECK(folders(read_tool_dirs("diesel.toml", "[print_schema]\ndir = \"x\"\n")).empty());
    CHECK(folders(read_tool_dirs("diesel.toml", "[migrations_directory]\ndir = \"../../etc\"\n")) == "diesel:2:?");
    CHECK(folders(read_tool_dirs("diesel.toml", "[migrations_directory]\ndir = \"/srv/m\"\n")) == "diesel:2:?");
}

TEST_CASE("tool_dirs: .env for dbmate and goose, with godotenv's expansion unknown") {
    CHECK(folders(read_tool_dirs(".env", "DATABASE_URL=x\nDBMATE_MIGRATIONS_DIR=db/a,db/b\nexport GOOSE_MIGRATION_DIR=\"sql\"\n")) ==
          "dbmate:2:db/a;dbmate:2:db/b;goose:3:sql");
    CHECK(folders(read_tool_dirs(".env", "DBMATE_MIGRATIONS_DIR=${DIR}\n")) == "dbmate:1:?");
    CHECK(folders(read_tool_dirs(".env", "DBMATE_MIGRATIONS_DIR=\"$HOME/m\"\n")) == "dbmate:1:?");
    // Single quotes are not expanded: the text is the folder.
    CHECK(folders(read_tool_dirs(".env", "DBMATE_MIGRATIONS_DIR='m$'\n")) == "dbmate:1:m$");
    CHECK(folders(read_tool_dirs(".env", "# DBMATE_MIGRATIONS_DIR=x\nOTHER=1\n")).empty());
}

TEST_CASE("tool_dirs: knexfile's migrations.directory, not seeds.directory") {
    const std::string knexfile =
        "module.exports = {\n  development: {\n    seeds: { directory: './seeds' },\n"
        "    migrations: { tableName: 'k', directory: ['./db/a', \"db/b\"] },\n  },\n"
        "  production: { migrations: { directory: process.env.DIR } },\n};\n";
    CHECK(folders(read_tool_dirs("app/knexfile.js", knexfile)) == "knex:4:app/db/a;knex:4:app/db/b;knex:6:?");
    CHECK(folders(read_tool_dirs("knexfile.ts", "export default { migrations: { directory: `db/${env}` } };\n")) == "knex:1:?");
    CHECK(folders(read_tool_dirs("knexfile.js", "const dirs = require('./config/dirs.json');\nmodule.exports = {\n  production: { migrations: dirs },\n};\n")) ==
          "knex:3:?");
    // In a comment or a string, a key is no key.
    CHECK(folders(read_tool_dirs("knexfile.js", "// migrations: { directory: 'x' }\nconst s = \"migrations: { directory: 'y' }\";\n"))
              .empty());
}

TEST_CASE("tool_dirs: sqlx's migrate! relative to the crate, TypeORM's globs, node-pg-migrate") {
    CHECK(folders(read_tool_dirs("svc/src/db/mod.rs", "fn m() { sqlx::migrate!(\"./sql\") }\nfn d() { sqlx::migrate!() }\n")) ==
          "sqlx:1:svc/sql");
    CHECK(folders(read_tool_dirs("src/data-source.ts", "new DataSource({\n  migrations: [\"src/m/*.ts\", 'dist/m/**/*.js'],\n})\n")) ==
          "typeorm:2:src/m;typeorm:2:dist/m");
    CHECK(folders(read_tool_dirs("src/data-source.ts", "new DataSource({\n  migrations: [Init1700000000000],\n})\n")) == "typeorm:2:?");
    CHECK(folders(read_tool_dirs("config/default.json", "{\n  \"db\": {\n    \"migrations-dir\": \"db/pgm\"\n  }\n}\n")) ==
          "node-pg-migrate:3:db/pgm");
    CHECK(folders(read_tool_dirs("package.json", "{\n  \"scripts\": {\n    \"migrate\": \"node-pg-migrate up -m db/pgm\"\n  }\n}\n")) ==
          "node-pg-migrate:3:db/pgm");
    CHECK(folders(read_tool_dirs("package.json", "{ \"scripts\": { \"m\": \"node-pg-migrate --migrations-dir=$DIR up\" } }\n")) ==
          "node-pg-migrate:1:?");
    CHECK(folders(read_tool_dirs("web/package.json", "{ \"scripts\": {\n \"db\": \"dbmate -d ./sql/migrations up && goose -dir ops up\"\n} }\n")) ==
          "dbmate:2:web/sql/migrations;goose:2:web/ops");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"goose -dir db/goose postgres x up\"\n")) == "goose:1:db/goose");
    CHECK(folders(read_tool_dirs("api/package.json", "\"m\": \"knex migrate:latest --migrations-directory db/changes\",\n")) ==
          "knex:1:api/db/changes");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"npx knex migrate:latest --knexfile ./cfg/k.js\",\n\"knex\": \"^3\"\n")) ==
          "knex:1:?");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"sequelize-cli db:migrate --migrations-path=db/seq\"\n")) == "sequelize:1:db/seq");
    CHECK(folders(read_tool_dirs("package.json", "\"m\": \"node-pg-migrate up -m 'db/*.js' && dbmate --env-file x up\"\n")) ==
          "node-pg-migrate:1:?;dbmate:1:?");
}

TEST_CASE("tool_dirs: .sequelizerc's migrations-path, constant path expressions folded") {
    const char* rc = "const path = require('path');\nmodule.exports = {\n  'migrations-path': path.resolve('db', 'changes'),\n"
                     "  \"migrations-path\": path.join(__dirname, 'x'),\n  migrationsPath: 'y/z',\n"
                     "  'migrations-path': path.resolve(process.env.DIR),\n};\n";
    CHECK(folders(read_tool_dirs("api/.sequelizerc", rc)) == "sequelize:3:api/db/changes;sequelize:4:api/x;sequelize:5:api/y/z;sequelize:6:?");
}

TEST_CASE("tool_dirs: Spring Boot's spring.flyway.* in application.properties and application.yml") {
    CHECK(folders(read_tool_dirs("svc/src/main/resources/application.properties",
                                 "spring.flyway.locations=classpath:db/migration, filesystem:ops/sql\nspring.flyway.enabled=true\n")) ==
          "flyway:1:svc/src/main/resources/db/migration;flyway:1:svc/ops/sql");
    CHECK(folders(read_tool_dirs("src/main/resources/application-prod.properties",
                                 "spring.flyway.sql-migration-prefix=M\nspring.flyway.locations=classpath:db/${env}\n")) == "flyway:1:?;flyway:2:?");
    CHECK(folders(read_tool_dirs("src/main/resources/application.yml",
                                 "spring:\n  flyway:\n    locations: classpath:db/a\n    placeholders:\n      t: users\nserver:\n  port: 1\n")) ==
          "flyway:3:src/main/resources/db/a;flyway:4:?;flyway:5:?");
}

TEST_CASE("tool_dirs: which files a folder holds for its tool") {
    ToolDir sql{"dbmate", "DBMATE_MIGRATIONS_DIR", 1, "db/m", "", false, {}};
    CHECK(in_tool_dir("db/m/1_x.sql", sql));
    CHECK(in_tool_dir("db/m/sub/1_x.sql", sql));
    CHECK_FALSE(in_tool_dir("db/m/1_x.js", sql));
    CHECK_FALSE(in_tool_dir("db/mm/1_x.sql", sql));
    ToolDir scripts{"knex", "migrations.directory", 1, "db/k", "", true, {}};
    CHECK(in_tool_dir("db/k/1_x.js", scripts));
    CHECK_FALSE(in_tool_dir("db/k/types.d.ts", scripts));
    CHECK_FALSE(in_tool_dir("db/k/1_x.sql", ToolDir{"knex", "x", 1, "", "computed", true, {}, {}}));
}

TEST_CASE("tool_dirs: hostile settings files cost linear time and give a bounded answer") {
    std::string many = "new DataSource({\n";
    for (int k = 0; k < 100000; ++k) many += "migrations: ['m" + std::to_string(k) + "/*.ts'],\n";
    many += "})\n";
    std::string deep = "new DataSource({ migrations: " + std::string(200000, '[') + "'x'" + std::string(200000, ']') + " })\n";
    std::string rust;
    for (int k = 0; k < 100000; ++k) rust += "sqlx::migrate!(\"m\")\n";
    std::string braces = "module.exports = " + std::string(300000, '{') + "migrations: { directory: 'x' }" + std::string(300000, '}');
    // Bounded answers here; the cost is the benchmark's and the scaling tests' to judge, by CPU
    // against a floor in the same run, not by a wall clock (a loaded machine failed it).
    auto a = read_tool_dirs("src/data-source.ts", many);
    auto b = read_tool_dirs("src/data-source.ts", deep);
    auto c = read_tool_dirs("src/lib.rs", rust);
    auto d = read_tool_dirs("knexfile.js", braces);
    CHECK(a.size() == 65);
    CHECK_FALSE(a.back().unknown.empty());
    CHECK(b.size() == 1);
    CHECK_FALSE(b[0].unknown.empty());
    CHECK(c.size() == 65);
    CHECK(d.size() <= 1);
}

TEST_CASE("tool_dirs: a TypeORM data source is told by the whole word") {
    CHECK(data_source_text("import { DataSource } from 'typeorm';\nexport default new DataSource({});\n"));
    CHECK(data_source_text("module.exports = new typeorm.DataSource(o);"));
    CHECK(data_source_text("DataSource(x)"));
    CHECK(data_source_text("const c = await createConnection();"));
    // daily-api's src/routes/boot.ts: an app helper whose name ends so is no data source.
    CHECK_FALSE(data_source_text("const r = await queryDataSource(con, q);\nconst s = new RESTDataSource(); my_createConnection();"));
}

TEST_CASE("tool_dirs: TypeORM's -d data source is followed, or unknown at the script line") {
    std::map<std::string, std::string> repo = {
        {"api/src/db/source.ts", "import { DataSource } from 'typeorm';\nexport const S = new DataSource({\n  migrations: ['src/db/changes/*.ts'],\n});\n"},
        {"api/src/db/cli.ts", "import { S } from './source';\nexport default S;\n"},
        {"api/src/db/spread.ts", "import { DataSource } from 'typeorm';\nimport { o } from './o';\nexport default new DataSource({ ...o });\n"},
        {"api/src/db/env.ts", "import { DataSource } from 'typeorm';\nexport default new DataSource({ migrations: [process.env.M] });\n"},
        {"api/src/db/factory.ts", "import { make } from './spread';\nexport default make();\n"},
        {"api/src/db/set.ts", "import { S } from './source';\nS.setOptions({ migrations: ['x/*.ts'] });\nexport default S;\n"},
    };
    const ReadFile read = [&](const std::string& p) -> std::optional<std::string> {
        auto it = repo.find(p);
        return it == repo.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    auto script = [](const std::string& cmd) { return "{\n  \"scripts\": {\n    \"m\": \"" + cmd + "\"\n  }\n}\n"; };
    CHECK(folders(read_tool_dirs("api/package.json", script("typeorm migration:run -d src/db/source.ts"), read)) == "typeorm:3:api/src/db/changes");
    CHECK(folders(read_tool_dirs("api/package.json", script("typeorm-ts-node-esm migration:run --dataSource=./src/db/cli.ts"), read)) ==
          "typeorm:3:api/src/db/changes");
    for (const char* file : {"spread.ts", "env.ts", "factory.ts", "set.ts", "missing.ts"}) {
        INFO(file);
        CHECK(folders(read_tool_dirs("api/package.json", script(std::string("typeorm migration:run -d src/db/") + file), read)) == "typeorm:3:?");
    }
    CHECK(folders(read_tool_dirs("package.json", script("typeorm migration:run -d $DS"), read)) == "typeorm:3:?");
    CHECK(folders(read_tool_dirs("package.json", script("typeorm migration:run -d ../x.ts"), read)) == "typeorm:3:?");
    // No reader: not followed, so unknown.
    CHECK(folders(read_tool_dirs("api/package.json", script("typeorm migration:run -d src/db/source.ts"))) == "typeorm:3:?");
    // A dependency's version, or no -d: nothing.
    CHECK(folders(read_tool_dirs("package.json", "{ \"dependencies\": { \"typeorm\": \"^0.3.20\" } }\n", read)).empty());
    CHECK(folders(read_tool_dirs("package.json", script("typeorm migration:show"), read)).empty());
    // Many commands on one line: answered (its cost is the benchmark's to judge, not a clock's).
    std::string many;
    for (int k = 0; k < 100000; ++k) many += "typeorm -x ";
    (void)read_tool_dirs("package.json", script(many), read);
}

TEST_CASE("tool_dirs: drizzle-kit's out, Prisma's migrations.path, drizzle-orm's migrationsFolder, sqlx's Migrator::new") {
    CHECK(folders(read_tool_dirs("app/drizzle.config.ts", "export default defineConfig({\n  schema: './s.ts',\n  out: './db/sql',\n});\n")) ==
          "drizzle:3:app/db/sql");
    CHECK(folders(read_tool_dirs("drizzle.config.json", "{ \"out\": \"drizzle/pg\", \"dialect\": \"postgresql\" }\n")) == "drizzle:1:drizzle/pg");
    CHECK(folders(read_tool_dirs("drizzle.config.ts", "export default { out: process.env.OUT! };\n")) == "drizzle:1:?");
    CHECK(folders(read_tool_dirs("prisma.config.ts", "export default defineConfig({\n  migrations: { path: path.join('db', 'changes') },\n});\n")) ==
          "prisma:2:db/changes");
    CHECK(folders(read_tool_dirs("prisma.config.ts", "export default {\n  views: { path: 'v' },\n  migrations: {\n    path: dir,\n  },\n};\n")) ==
          "prisma:4:?");
    CHECK(folders(read_tool_dirs("src/db/migrate.ts", "await migrate(db, { migrationsFolder: './drizzle/pg' });\n")) == "drizzle:1:drizzle/pg");
    CHECK(folders(read_tool_dirs("api/src/main.rs", "let m = Migrator::new(Path::new(\"./db/changes\")).await?;\n")) == "sqlx:1:api/db/changes");
    CHECK(folders(read_tool_dirs("src/main.rs", "Migrator::new(Path::new(env!(\"CARGO_MANIFEST_DIR\")).join(\"sql\"))\n")) == "sqlx:1:sql");
    CHECK(folders(read_tool_dirs("src/main.rs", "Migrator::new(dir.as_path())\n")) == "sqlx:1:?");
    CHECK(tool_settings_file("drizzle.config.json"));
    // .config/prisma.ts: its folder or the project's, both followed.
    CHECK(folders(read_tool_dirs(".config/prisma.ts", "export default { migrations: { path: 'db/changes' } };\n")) ==
          "prisma:1:.config/db/changes;prisma:1:db/changes");
    CHECK(folders(read_tool_dirs("src/prisma.ts", "export default { migrations: { path: 'db/changes' } };\n")).empty());
}

TEST_CASE("tool_dirs: MikroORM's migrations.path and pathTs, configPaths, .env, --config, computed values") {
    // Relative to the project (where the CLI runs: above src/), __dirname to the file's folder.
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "module.exports = {\n  migrations: { path: './db/changes' },\n};\n")) == "mikro-orm:2:db/changes");
    CHECK(folders(read_tool_dirs("app/src/mikro-orm.config.ts", "export default defineConfig({\n  migrations: {\n    path: 'dist/m',\n    pathTs: './src/m',\n  },\n});\n")) ==
          "mikro-orm:3:app/dist/m;mikro-orm:4:app/src/m");
    CHECK(folders(read_tool_dirs("src/mikro-orm.config.ts", "export default { migrations: { path: path.join(__dirname, 'm') } };\n")) == "mikro-orm:1:src/m");
    // Computed: a value, the object, a spread, baseDir; a later write.
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "module.exports = { migrations: { path: process.env.DIR } };\n")) == "mikro-orm:1:?");
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "module.exports = {\n  migrations: settings(),\n};\n")) == "mikro-orm:2:?");
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "module.exports = { migrations: { ...m } };\n")) == "mikro-orm:1:?");
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "module.exports = { baseDir: root };\n")) == "mikro-orm:1:?");
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "const c = { migrations: { path: 'a' } };\nc.migrations.path += '/b';\n")) == "mikro-orm:1:a;mikro-orm:2:?");
    // The default folder and glob add nothing; another glob makes every file of the folder loaded.
    CHECK(folders(read_tool_dirs("mikro-orm.config.js", "module.exports = { migrations: { tableName: 't', glob: '!(*.d).{js,ts,cjs}' } };\n")).empty());
    const auto globbed = read_tool_dirs("mikro-orm.config.js", "module.exports = { migrations: { path: 'db/m', glob: '*.sql.js' } };\n");
    REQUIRE(globbed.size() == 1);
    CHECK(tool_loads("db/m/1.coffee", globbed[0]));
    CHECK_FALSE(in_tool_dir("db/m/1.coffee", globbed[0]));
    CHECK(!unread_loaded_file("db/m/1.coffee", globbed[0]).empty());
    // Other settings files name it: package.json's configPaths, a .env, a --config.
    const std::map<std::string, std::string> files = {{"config/orm.js", "module.exports = { migrations: { path: './db/x' } };\n"}};
    const ReadFile read = [&](const std::string& p) -> std::optional<std::string> {
        auto it = files.find(p);
        return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    CHECK(folders(read_tool_dirs("package.json", "{\n  \"mikro-orm\": {\n    \"configPaths\": [\"./config/orm.js\", \"./gone.js\"]\n  }\n}\n", read)) ==
          "mikro-orm:3:db/x;mikro-orm:3:?");
    CHECK(folders(read_tool_dirs(".env", "MIKRO_ORM_MIGRATIONS_PATH=./db/e\nMIKRO_ORM_CLI_CONFIG=config/orm.js\nMIKRO_ORM_BASE_DIR=/x\n", read)) ==
          "mikro-orm:1:db/e;mikro-orm:2:db/x;mikro-orm:3:?");
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"mikro-orm migration:up --config config/orm.js\"}}\n", read)) == "mikro-orm:1:db/x");
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"mikro-orm migration:up --config $CFG\"}}\n", read)) == "mikro-orm:1:?");
    // A migration command with no configuration pgfence finds; none where it finds one, or for other commands.
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"npx mikro-orm migration:up\"}}\n", read)) == "mikro-orm:1:?");
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"npx mikro-orm debug\"}}\n", read)).empty());
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"MIKRO_ORM_MIGRATIONS_PATH=db/y mikro-orm migration:up --config config/orm.js\"}}\n", read)) ==
          "mikro-orm:1:?");
    const ReadFile with_default = [](const std::string& p) -> std::optional<std::string> {
        if (p == "src/mikro-orm.config.ts") return std::string("export default {};\n");
        return std::nullopt;
    };
    CHECK(folders(read_tool_dirs("package.json", "{\"scripts\": {\"m\": \"mikro-orm migration:up\"},\n \"dependencies\": {\"@mikro-orm/cli\": \"6\"}}\n", with_default)).empty());
}
