// The runner default-deny past knex (analyze/migrations/runner_uses.cpp): which lines of a runner
// script that drives a TypeORM data source, Sequelize or umzug are unknown (red team R83b H7).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/migrations/runner_uses.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace {

std::vector<int> unknown_lines(const std::string& body) {
    const std::string text = "const { AppDataSource } = require(\"../data-source\");\n" + body;
    std::vector<int> out;
    for (const auto& [line, why] : pgfence::analyze::tools::orm_runner_uses(text, pgfence::analyze::orm::lex_js(text))) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("runner uses: what TypeORM's initialize() resolves to is the data source") {
    // typeorm 0.3 DataSource.initialize(): `return this`.
    CHECK(unknown_lines("AppDataSource.initialize().then(async (ds) => {\n"
                        "  await AppDataSource.runMigrations();\n"
                        "  await ds.createQueryRunner().dropTable(\"users\");\n"
                        "});\n") == std::vector<int>{4});
    CHECK(unknown_lines("AppDataSource.initialize().then(async function (ds) {\n"
                        "  await AppDataSource.runMigrations();\n"
                        "  await ds.manager.clear(\"users\");\n"
                        "});\n") == std::vector<int>{4});
    CHECK(unknown_lines("(async () => {\n"
                        "  const [ds] = await Promise.all([AppDataSource.initialize()]);\n"
                        "  await AppDataSource.runMigrations();\n"
                        "  await ds.manager.clear(\"users\");\n"
                        "})();\n") == std::vector<int>{5});
    CHECK(unknown_lines("Promise.allSettled([AppDataSource.initialize()]).then((r) => {\n"
                        "  return r[0].value.manager.clear(\"users\");\n"
                        "});\nAppDataSource.runMigrations();\n") == std::vector<int>{3});
    // A callback handing it on down the chain, and one that does not.
    CHECK(unknown_lines("AppDataSource.initialize().then((ds) => ds).then((d) => {\n"
                        "  AppDataSource.runMigrations();\n"
                        "  d.manager.clear(\"users\");\n"
                        "});\n") == std::vector<int>{4});
    CHECK(unknown_lines("let b;\n(async () => {\n  const a = b = await AppDataSource.initialize();\n  await b.runMigrations();\n"
                        "  await a.manager.clear(\"users\");\n})();\n") == std::vector<int>{6});
    CHECK(unknown_lines("AppDataSource.initialize().then(() => 1).then((d) => d.manager);\n").empty());
}

TEST_CASE("runner uses: a use of initialize()'s result pgfence does not follow is unknown") {
    CHECK(unknown_lines("(async () => {\n  await (await AppDataSource.initialize()).manager.clear(\"users\");\n})();\n"
                        "AppDataSource.runMigrations();\n") == std::vector<int>{3});
    CHECK(unknown_lines("function init() {\n  return AppDataSource.initialize();\n}\nAppDataSource.runMigrations();\n") == std::vector<int>{3});
    CHECK(unknown_lines("hand(await AppDataSource.initialize());\nAppDataSource.runMigrations();\n") == std::vector<int>{2});
    CHECK(unknown_lines("AppDataSource.initialize().then(somewhere.run);\nAppDataSource.runMigrations();\n") == std::vector<int>{2});
    // A call that a block follows is not a method's parameter list.
    CHECK(unknown_lines("AppDataSource.initialize().then((ds) => {\n  hand(ds)\n  {}\n});\nAppDataSource.runMigrations();\n") == std::vector<int>{3});
    // A callback named twice: the last declaration is the one that runs.
    CHECK(unknown_lines("AppDataSource.initialize().then(run);\nfunction run(ds) { return 1; }\nfunction run(d) { return 2; }\n"
                        "AppDataSource.runMigrations();\n") == std::vector<int>{2});
}

TEST_CASE("runner uses: the forms that only run the migrations are clean") {
    CHECK(unknown_lines("AppDataSource.initialize()\n"
                        "  .then(() => AppDataSource.runMigrations())\n"
                        "  .then(() => AppDataSource.destroy())\n"
                        "  .catch((e) => { console.error(e); process.exit(1); });\n")
              .empty());
    CHECK(unknown_lines("AppDataSource.initialize().then((ds) => { console.log(\"up\"); return ds; }).then(async (ds) => {\n"
                        "  await ds.runMigrations({ transaction: \"each\" });\n  await ds.destroy();\n});\n")
              .empty());
    CHECK(unknown_lines("AppDataSource.initialize().then(run);\nasync function run(ds) {\n  await ds.runMigrations();\n  await ds.destroy();\n}\n")
              .empty());
    CHECK(unknown_lines("(async () => {\n  const ds = await AppDataSource.initialize();\n  await ds.runMigrations();\n  await ds.destroy();\n})();\n")
              .empty());
}

TEST_CASE("runner uses: a data source's plain settings are read, its objects are not") {
    CHECK(unknown_lines("console.log(AppDataSource.options.database, AppDataSource.isInitialized, AppDataSource.driver.database);\n"
                        "console.log(AppDataSource.migrations.length, AppDataSource.entityMetadatas.length);\n"
                        "AppDataSource.runMigrations();\n")
              .empty());
    CHECK(unknown_lines("AppDataSource.runMigrations();\nAppDataSource.driver.master.query(\"DROP TABLE users\");\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\nAppDataSource.options.migrations = [\"other/*.js\"];\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\nAppDataSource.options.database = \"other\";\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\n(AppDataSource.options.dropSchema) = true;\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\n[AppDataSource.options.dropSchema] = [true];\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\nAppDataSource.options.synchronize ||= true;\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\nfor (AppDataSource.options.dropSchema of [true]);\n") == std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\nif (AppDataSource.options.database) {\n  console.log(`on ${AppDataSource.options.type}`);\n}\n").empty());
    CHECK(unknown_lines("AppDataSource.runMigrations();\nfor (const m of AppDataSource.entityMetadatas) m.connection.query(\"x\");\n") ==
          std::vector<int>{3});
    CHECK(unknown_lines("AppDataSource.runMigrations();\nObject.assign(AppDataSource.options, { migrations: [] });\n") == std::vector<int>{3});
}

TEST_CASE("runner uses: umzug's context in a migration written in the runner") {
    const std::string head = "const { Umzug, SequelizeStorage } = require(\"umzug\");\n"
                             "const { Sequelize } = require(\"sequelize\");\n"
                             "const sequelize = new Sequelize(process.env.DATABASE_URL);\n";
    const auto lines = [&](const std::string& body) {
        const std::string text = head + body;
        std::vector<int> out;
        for (const auto& [line, why] : pgfence::analyze::tools::orm_runner_uses(text, pgfence::analyze::orm::lex_js(text))) out.push_back(line);
        return out;
    };
    CHECK(lines("const umzug = new Umzug({ migrations: { glob: \"m/*.js\" }, context: () => sequelize.getQueryInterface(),\n"
                "  storage: new SequelizeStorage({ sequelize }), logger: console });\n"
                "sequelize.authenticate().then(() => umzug.up());\n")
              .empty());
    CHECK(lines("const umzug = new Umzug({ migrations: [{ name: \"a\", async up({ context }) {\n"
                "  await context.dropTable(\"users\");\n"
                "} }], context: sequelize.getQueryInterface(), storage: new SequelizeStorage({ sequelize }) });\n") == std::vector<int>{5});
    CHECK(lines("sequelize.authenticate().then(() => sequelize.getQueryInterface().dropTable(\"users\"));\n") == std::vector<int>{4});
}
