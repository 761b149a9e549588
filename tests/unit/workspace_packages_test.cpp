// The repository's own packages a bare name may load (analyze/orm/workspace_packages.hpp).
#include <catch2/catch.hpp>

#include "analyze/orm/workspace_packages.hpp"

using namespace pgfence::analyze::orm;

TEST_CASE("workspace packages: names, entries, local specs and registry ranges (red team R85a F3)") {
    const auto ws = workspace_packages({{"package.json", R"({"name":"app","workspaces":{"packages":["packages/*"]},
                                             "dependencies":{"knex":"^3.1.0","@app/dbh":"*","local":"file:../x","vend":"link:vendor/v"}})"},
                                        {"packages/dbh/package.json", R"({"name":"@app/dbh","main":"lib/main.js","exports":{".":{"require":"./lib/main.js"},"./x":"./x.js"}})"},
                                        {"packages/bad/package.json", "{\"name\": [[[["}},
                                       {});
    CHECK(ws.declared);
    CHECK(ws.folders.at("@app/dbh") == "packages/dbh");
    CHECK(ws.folders.at("app").empty());
    CHECK(ws.folders.at("vend") == "vendor/v");
    CHECK_FALSE(ws.folders.contains("local"));  // out of the repository
    CHECK(ws.entries.at("packages/dbh") == std::vector<std::string>{"./lib/main.js", "./lib/main.js", "./x.js"});
    CHECK(ws.registry.contains("knex"));
    CHECK_FALSE(ws.registry.contains("vend"));
    CHECK_FALSE(workspace_packages({{"package.json", R"({"name":"app","dependencies":{"pg":"8"}})"}}, {}).declared);
    CHECK(workspace_packages({}, {"pnpm-workspace.yaml"}).declared);
    std::string_view rest;
    CHECK(package_name("@app/dbh/lib/x", &rest) == "@app/dbh");
    CHECK(rest == "lib/x");
    CHECK(package_name("pg", &rest) == "pg");
    CHECK(rest.empty());
    CHECK(node_builtin("fs/promises"));
    CHECK(node_builtin("node:test"));
    CHECK_FALSE(node_builtin("pg"));
}

TEST_CASE("workspace packages: what declares a workspace, shared with deploy commands' roots") {
    CHECK(declares_workspaces(R"({"name":"app","workspaces":["packages/*"]})"));
    CHECK(declares_workspaces(R"({"name":"app","work\u0073paces":["packages/*"]})"));  // JSON.parse's same key
    CHECK_FALSE(declares_workspaces(R"({"name":"app","description":"no \\ workspaces here"})"));
    CHECK(workspace_root_file("pnpm-workspace.yaml"));
    CHECK(workspace_root_file("tools/lerna.json"));
    CHECK(workspace_root_file("nx.json"));
    CHECK_FALSE(workspace_root_file("turbo.json"));
    CHECK(workspace_packages({}, {"lerna.json"}).declared);
    // A `file:` dependency's folder, normalised against the package's (analyze/base/path_normal.hpp).
    const auto ws = workspace_packages({{"apps/web/package.json", R"({"name":"web","dependencies":{"db":"file:./../../packages//db/."}})"}}, {});
    CHECK(ws.folders.at("db") == "packages/db");
    CHECK_FALSE(workspace_packages({{"package.json", R"({"name":"a","dependencies":{"up":"file:../x","abs":"file:/x"}})"}}, {}).folders.contains("abs"));
}
