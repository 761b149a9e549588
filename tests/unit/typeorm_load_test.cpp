// What TypeORM's command loads: __dirname globs, a Nest app module's DataSource factory, another
// database's settings, and the tool's object through a function (stranger reviews 85 and 86).
#include <catch2/catch.hpp>

#include <string>

#include "analyze/migrations/schema_sync.hpp"
#include "analyze/migrations/tool_runners.hpp"
#include "analyze/migrations/typeorm_data_source.hpp"
#include "analyze/orm/settings_module.hpp"

using namespace pgfence::analyze;

namespace {

std::string one_glob(const std::string& entities) {
    const auto g = tools::typeorm_loaded_globs("src/database/data-source.ts",
                                               "import { DataSource } from 'typeorm';\nexport default new DataSource({ entities: " + entities + " });\n");
    REQUIRE(g.size() == 1);
    return g.front().unknown.empty() ? (g.front().globs.empty() ? std::string("none") : g.front().globs.front()) : "unknown";
}

}  // namespace

TEST_CASE("typeorm load: __dirname globs resolve inside the repository") {
    CHECK(one_glob("[__dirname + '/../**/*.entity{.ts,.js}']") == "src/**/*.entity{.ts,.js}");
    CHECK(one_glob("[path.join(__dirname, '..', 'users', '*.entity.ts')]") == "src/users/*.entity.ts");
    CHECK(one_glob("[__dirname + '/entities/*.ts']") == "src/database/entities/*.ts");
    // Above the repository, or a `..` after a pattern part: unknown.
    CHECK(one_glob("[__dirname + '/../../../**/*.ts']") == "unknown");
    CHECK(one_glob("[__dirname + '/**/../x/*.ts']") == "unknown");
    CHECK(one_glob("['../outside/*.ts']") == "unknown");
    CHECK(one_glob("['src/database/../users/*.ts']") == "src/users/*.ts");
}

TEST_CASE("typeorm load: a Nest dataSourceFactory is no data source the CLI loads") {
    const std::string nest =
        "import { DataSource } from 'typeorm';\nTypeOrmModule.forRootAsync({ useClass: C,\n"
        "  dataSourceFactory: async (options: DataSourceOptions) => {\n    return new DataSource(options).initialize();\n  },\n});\n";
    CHECK(tools::nest_factory_data_source(nest));
    CHECK(tools::nest_factory_data_source("dataSourceFactory: async (o) => new DataSource(o).initialize(),\n"));
    // Its own options, another name, migrationsRun or runMigrations in the file: read as before.
    CHECK_FALSE(tools::nest_factory_data_source("export default new DataSource({ type: 'postgres' });\n"));
    CHECK_FALSE(tools::nest_factory_data_source("dataSourceFactory: async (o) => new DataSource(other).initialize(),\n"));
    CHECK_FALSE(tools::nest_factory_data_source(nest + "const d = new DataSource({ type: 'postgres' });\n"));
    CHECK_FALSE(tools::nest_factory_data_source("dataSourceFactory: async (o) => new DataSource({ ...o, migrationsRun: true }),\n"));
    CHECK_FALSE(tools::nest_factory_data_source(nest + "await ds.runMigrations();\n"));
    CHECK_FALSE(tools::nest_factory_data_source("dataSourceFactory: async (o) => x, y: new DataSource(o),\n"));
}

TEST_CASE("typeorm load: another database's synchronize configures no PostgreSQL") {
    const std::string sqlite = "const dev = {\n  type: 'sqlite',\n  synchronize: true,\n};\n";
    const std::string pg = "const pg = {\n  type: 'postgres',\n  synchronize: false,\n};\nnew DataSource(x ? pg : dev);\n";
    CHECK(tools::schema_sync_settings(sqlite + pg).empty());
    // The postgres one on, a spread, a later type, a merge or a write to `type`: still unknown.
    CHECK(tools::schema_sync_settings(sqlite + "const pg = { type: 'postgres', synchronize: true };\nnew DataSource(pg);\n").size() == 1);
    CHECK(tools::schema_sync_settings(sqlite + "const pg = { ...dev, type: 'postgres' };\nnew DataSource(pg);\n").size() == 1);
    CHECK(tools::schema_sync_settings("const dev = { type: 'sqlite', synchronize: true, type: process.env.T };\nnew DataSource(dev);\n").size() == 1);
    CHECK(tools::schema_sync_settings(sqlite + "dev.type = 'postgres';\nnew DataSource(dev);\n").size() == 1);
    CHECK(tools::schema_sync_settings(sqlite + "new DataSource(merge(dev, { type: 'postgres' }));\n").size() == 1);
    CHECK(tools::schema_sync_settings("const pg = { type: 'postgres', synchronize: process.env.S === 'true' };\nnew DataSource(pg);\n").size() == 1);
    // migrationsRun where another module builds the DataSource (a Nest options factory).
    CHECK(tools::schema_sync_settings("import { TypeOrmModuleOptions } from '@nestjs/typeorm';\nreturn { type: 'postgres', migrationsRun: true };\n")
              .size() == 1);
    CHECK(tools::schema_sync_settings("import { TypeOrmModuleOptions } from '@nestjs/typeorm';\nreturn { migrationsRun: false };\n").empty());
}

TEST_CASE("typeorm load: the tool's object through a function") {
    const std::string head = "import { DataSource } from 'typeorm';\nconst ds = new DataSource({ type: 'postgres' });\n";
    // A function that returns a repository, never called at load: nothing unread.
    CHECK(orm::settings_module_unread("/x/src/data-source.ts", head + "export const repo = (t) => ds.getRepository(t);\nexport default ds;\n",
                                      "TypeORM").empty());
    // The data source returned by a function, awaited or mixed with another value, then sent SQL: unknown.
    for (const std::string call : {"const f = () => ds;\nf().query('DROP TABLE users');\n",
                                   "const f = async () => ds;\n(async () => { (await f()).query('DROP TABLE users'); })();\n",
                                   "(process.env.X || ds).query('DROP TABLE users');\n",
                                   "const f = () => ds;\nconst g = (d) => d.query('DROP TABLE users');\ng(f());\n",
                                   "ds.getRepository('User').query('DROP TABLE users');\n"}) {
        INFO(call);
        CHECK_FALSE(orm::settings_module_unread("/x/src/data-source.ts", head + call + "export default ds;\n", "TypeORM").empty());
    }
}
