// The commands an nx target runs (analyze/migrations/nx_targets.hpp, red team R89b F7).
#include <catch2/catch.hpp>

#include <string>

#include "analyze/migrations/nx_targets.hpp"

using namespace pgfence::analyze::tools;

namespace {

std::string only(const std::optional<NxTarget>& t) {
    REQUIRE(t);
    REQUIRE(t->unknown.empty());
    REQUIRE(t->commands.size() == 1);
    return t->commands[0].command;
}

}  // namespace

TEST_CASE("nx targets: run-commands' command, commands, shorthand and cwd") {
    const std::string pj = R"({"name": "api", "targets": {
  "a": {"executor": "nx:run-commands", "options": {"command": "npx knex migrate:latest", "cwd": "{projectRoot}"}},
  "b": {"command": ["npx", "knex", "migrate:rollback"]},
  "c": {"executor": "nx:run-commands", "options": {"commands": ["echo hi", {"command": "npx knex seed:run"}]}},
  "d": {"executor": "@nx/js:tsc", "options": {}},
  "e": {"executor": "nx:noop"}
}})";
    const auto a = nx_target(pj, "", "apps/api", "a");
    CHECK(only(a) == "npx knex migrate:latest");
    CHECK(a->commands[0].cwd == "apps/api");
    CHECK(a->commands[0].line == 2);
    CHECK(only(nx_target(pj, "", "apps/api", "b")) == "npx knex migrate:rollback");
    const auto c = nx_target(pj, "", "apps/api", "c");
    REQUIRE(c);
    REQUIRE(c->commands.size() == 2);
    CHECK(c->commands[1].command == "npx knex seed:run");
    CHECK(c->commands[1].cwd.empty());
    const auto d = nx_target(pj, "", "apps/api", "d");
    REQUIRE(d);
    CHECK(d->unknown.find("@nx/js:tsc") != std::string::npos);
    CHECK(nx_target(pj, "", "apps/api", "e")->commands.empty());
    CHECK_FALSE(nx_target(pj, "", "apps/api", "missing"));
    CHECK(nx_target_names(pj, false).size() == 5);
}

TEST_CASE("nx targets: {args.X}, forwarded options, configurations") {
    const std::string pj = R"({"targets": {
  "a": {"command": "npx knex {args.verb}", "options": {"verb": "migrate:latest"}, "configurations": {"reset": {"verb": "migrate:rollback --all"}}},
  "b": {"command": "npx knex", "options": {"args": "migrate:rollback", "env": "production", "knexfile": "db/knexfile.js"}},
  "c": {"command": "npx knex {args.verb}"},
  "d": {"command": "npx knex", "options": {"forwardAllArgs": false, "x": "y"}}
}})";
    const auto a = nx_target(pj, "", "", "a");
    REQUIRE(a);
    REQUIRE(a->commands.size() == 2);
    CHECK(a->commands[0].command == "npx knex migrate:latest");
    CHECK(a->commands[1].command == "npx knex migrate:rollback --all");
    CHECK(only(nx_target(pj, "", "", "b")) == "npx knex --knexfile=db/knexfile.js migrate:rollback");
    CHECK(only(nx_target(pj, "", "", "c")) == "npx knex $NX_ARG");  // the command line may set it
    CHECK(only(nx_target(pj, "", "", "d")) == "npx knex");
}

TEST_CASE("nx targets: nx.json's targetDefaults, by executor, else by name") {
    const std::string pj = R"({"targets": {"migrate": {}, "deploy": {"executor": "nx:run-commands", "options": {"cwd": "apps/api"}}, "own": {"command": "make"}}})";
    const std::string nx = R"({"targetDefaults": {
  "migrate": {"command": "npx knex migrate:rollback"},
  "nx:run-commands": {"options": {"command": "npx prisma migrate reset --force"}},
  "own": {"executor": "@nx/js:tsc"}
}})";
    const auto m = nx_target(pj, nx, "", "migrate");
    CHECK(only(m) == "npx knex migrate:rollback");
    CHECK(m->commands[0].in_nx_json);
    CHECK(m->commands[0].line == 2);
    const auto d = nx_target(pj, nx, "", "deploy");
    CHECK(only(d) == "npx prisma migrate reset --force");
    CHECK(d->commands[0].cwd == "apps/api");
    CHECK(only(nx_target(pj, nx, "", "own")) == "make");  // its own command over the run-commands default
}

TEST_CASE("nx targets: a file's targets as lines, from the workspace root") {
    const std::string pj = "{\n  \"targets\": {\n    \"migrate\": {\"command\": \"npx knex migrate:latest\", \"options\": {\"cwd\": \"apps/api\"}},\n"
                           "    \"lint\": {\"command\": \"eslint .\"}\n  }\n}\n";
    std::string root = "x";
    const ReadFile read = [](const std::string& p) -> std::optional<std::string> {
        if (p == "nx.json") return std::string("{}");
        return std::nullopt;
    };
    const std::string lines = nx_file_commands("apps/api/project.json", pj, read, [](std::string_view t) { return t == "migrate"; }, root);
    CHECK(root.empty());
    CHECK(lines == "\n\n(cd 'apps/api' && npx knex migrate:latest)\n\n\n\n\n");
}
