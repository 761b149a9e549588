// npm's command names, npm-run-all's task patterns, the scripts a package's script runs in turn, and
// echo's arguments (analyze/migrations/deploy_packages.hpp, red team R83b H5).
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <utility>

#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"

using namespace pgfence::analyze::tools;
using namespace pgfence::analyze::tools::deploy_detail;

TEST_CASE("npm's command names: aliases and unique abbreviations (npm lib/utils/cmd-list.js)") {
    CHECK(npm_command("run") == "run");
    CHECK(npm_command("rum") == "run");
    CHECK(npm_command("urn") == "run");
    CHECK(npm_command("run-script") == "run");
    CHECK(npm_command("run-scr") == "run");
    CHECK(npm_command("runScript") == "run");
    CHECK(npm_command("t") == "test");
    CHECK(npm_command("tes") == "test");
    CHECK(npm_command("sto") == "stop");
    CHECK(npm_command("resta") == "restart");
    CHECK(npm_command("star") == "star");
    CHECK(npm_command("it") == "install-test");
    CHECK(npm_command("ru").empty());  // run, rum, run-script
    CHECK(npm_command("st").empty());
    CHECK(npm_command("ci") == "ci");
}

TEST_CASE("npm-run-all's patterns: brace sets, classes, `*` within a part, `**` across") {
    CHECK(ScriptPattern("db:{reset,seed}").matches("db:reset"));
    CHECK(ScriptPattern("db:{reset,seed}").matches("db:seed"));
    CHECK_FALSE(ScriptPattern("db:{reset,seed}").matches("db:migrate"));
    CHECK(ScriptPattern("{db,x}:{a,{re,b}set}").matches("db:reset"));
    CHECK(ScriptPattern("db:[r]eset").matches("db:reset"));
    CHECK(ScriptPattern("db:[!s]*").matches("db:reset"));
    CHECK_FALSE(ScriptPattern("db:[!r]*").matches("db:reset"));
    CHECK(ScriptPattern("db:[a-s]eset").matches("db:reset"));
    CHECK_FALSE(ScriptPattern("db:*").matches("db:x:reset"));
    CHECK(ScriptPattern("db:**").matches("db:x:reset"));
    CHECK_FALSE(ScriptPattern("db?reset").matches("db:reset"));
    // Syntax not matched as minimatch does: not ok (unknown).
    CHECK_FALSE(ScriptPattern("db:@(reset)").ok());
    CHECK_FALSE(ScriptPattern("db:{1..3}").ok());
    CHECK_FALSE(ScriptPattern("db:{reset}").ok());
    CHECK_FALSE(ScriptPattern("db:[[:alpha:]]*").ok());
    CHECK(ScriptPattern("db:m*").ok());
    // Many alternatives: bounded, not ok past 64.
    std::string many;
    for (int i = 0; i < 8; ++i) many += "{a,b}";
    CHECK_FALSE(ScriptPattern(many).ok());
}

TEST_CASE("the scripts a command runs: npm's lifecycle commands, pnpm's regular expressions, patterns as written") {
    auto names = [](std::string_view command) {
        std::string out;
        for (const auto& r : scripts_run_in(command)) out += (out.empty() ? "" : " ") + r.name + (r.regex ? "/re" : "");
        return out;
    };
    CHECK(names("npm rum db:reset") == "db:reset");
    CHECK(names("npm --silent urn db:reset") == "db:reset");
    CHECK(names("npm t && npm tst && npm restart && npm stop") == "test test restart stop");
    CHECK(names("yarn test && pnpm t") == "test test");
    CHECK(names("pnpm run \"/^db:.*/\"") == "/^db:.*//re");
    CHECK(names("npm-run-all --serial 'db:{reset,seed}' \"build:[j]s\"") == "db:{reset,seed} build:[j]s");
    CHECK(names("run-s db:{reset,seed}") == "db:{reset,seed}");
    CHECK(names("npm ci && npm install").empty());
    CHECK(names("npm --loglevel silent rum db:reset") == "db:reset");
    CHECK(names("npm --script-shell bash --silent test") == "test");
}

namespace {

ScriptRun named(std::string name) {
    ScriptRun run;
    run.name = std::move(name);
    return run;
}

}  // namespace

TEST_CASE("package scripts: pre and post scripts, restart, scripts that run scripts, bounded") {
    PackageScripts scripts(package_scripts(
        R"({"scripts": {"predb:prepare": "knex migrate:rollback --all", "db:prepare": "node -e 1", "stop": "knex migrate:rollback",)"
        R"( "a": "npm run b", "b": "npm run c", "c": "npx sequelize-cli db:drop", "loop": "npm run loop && npm run other", "other": "jest"}})"));
    CHECK_FALSE(scripts.why(named("db:prepare")).empty());
    CHECK_FALSE(scripts.why(named("restart")).empty());  // stop, then start
    CHECK_FALSE(scripts.why(named("a")).empty());
    CHECK(scripts.why(named("loop")).empty());
    CHECK(scripts.why(named("other")).empty());
    // A chain of 2000 scripts, each running the next: bounded depth, unknown past it.
    std::string chain = R"({"scripts": {)";
    for (int i = 0; i < 2000; ++i) chain += "\"s" + std::to_string(i) + "\": \"npm run s" + std::to_string(i + 1) + "\", ";
    chain += "\"end\": \"x\"}}";
    PackageScripts deep(package_scripts(chain));
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(deep.why(named("s0")).empty());
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    // Scripts that run each other: what one of the cycle runs is found from any of them, whichever
    // was asked first (a clean answer that met the cycle is not kept).
    PackageScripts cycle(package_scripts(R"({"scripts": {"a": "npm run b && npm run c", "b": "npm run a", "c": "knex migrate:rollback"}})"));
    CHECK_FALSE(cycle.why(named("a")).empty());
    CHECK_FALSE(cycle.why(named("b")).empty());
    // Every script running every other, with long commands: bounded, unknown past the limit or clean.
    std::string clique = R"({"scripts": {)";
    for (int i = 0; i < 200; ++i) {
        clique += "\"c" + std::to_string(i) + "\": \"";
        for (int j = 0; j < 200; ++j) clique += "npm run c" + std::to_string(j) + " && ";
        clique += "true\", ";
    }
    clique += "\"end\": \"x\"}}";
    PackageScripts dense(package_scripts(clique));
    const auto begin = std::chrono::steady_clock::now();
    (void)dense.why(named("c0"));
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(10));
    // 30 scripts each running the 30 (a cycle at every depth below the limit): bounded by the reading budget.
    std::string small = R"({"scripts": {)";
    for (int i = 0; i < 30; ++i) {
        small += "\"c" + std::to_string(i) + "\": \"";
        for (int j = 0; j < 30; ++j) small += "npm run c" + std::to_string(j) + " && ";
        small += "true\", ";
    }
    small += "\"end\": \"x\"}}";
    PackageScripts cycles(package_scripts(small));
    const auto from = std::chrono::steady_clock::now();
    (void)cycles.why(named("c0"));
    CHECK(std::chrono::steady_clock::now() - from < std::chrono::seconds(10));
}

TEST_CASE("echo's arguments are printed, not run, unless piped, redirected or substituted") {
    CHECK(destructive_command("echo npx knex migrate:rollback").empty());
    CHECK(destructive_command("- run: echo 'then run knex migrate:rollback'").empty());
    CHECK_FALSE(destructive_command("echo npx knex migrate:rollback | sh").empty());
    CHECK_FALSE(destructive_command("echo \"$(npx knex migrate:rollback)\"").empty());
    CHECK_FALSE(destructive_command("echo done && npx knex migrate:rollback").empty());
    const ReadFile package = [](const std::string& p) -> std::optional<std::string> {
        if (p == "package.json") return R"({"scripts": {"reset": "knex migrate:rollback --all"}})";
        return std::nullopt;
    };
    CHECK(deploy_command_unknowns("Makefile", "deploy:\n\t@echo \\\n\t  npm run reset\n", package).empty());
    CHECK(deploy_command_unknowns("Makefile", "deploy:\n\t@echo \\\n\t  npm run reset | sh\n", package).size() == 1);
}

TEST_CASE("turbo, lerna and nx tasks: unknown unless named as a deploy's step") {
    auto why = [](std::string_view line) { return task_runner_unknown(simple_commands(line).front()); };
    CHECK_FALSE(why("npx turbo run db:prepare --filter=api").empty());
    CHECK_FALSE(why("turbo db:prepare").empty());
    CHECK_FALSE(why("lerna run db:seed --stream").empty());
    CHECK_FALSE(why("nx run api:deploy").empty());
    CHECK_FALSE(why("npx nx affected -t lint test").empty());
    CHECK(why("npx turbo run build --filter web").empty());
    CHECK(why("turbo build").empty());
    CHECK(why("turbo login").empty());
    CHECK(why("npx nx reset").empty());
    // R88 F4: lerna's options with a value; a subcommand or task not found after the options is unknown.
    CHECK(why("npx lerna --loglevel warn run build").empty());
    CHECK(why("npx lerna --max-buffer 1000 run build --concurrency 2").empty());
    CHECK_FALSE(why("npx lerna --loglevel warn run db:seed").empty());
    CHECK_FALSE(why("npx lerna --new-option x run build").empty());
    CHECK_FALSE(why("npx nx run-many --parallel").empty());
    CHECK(why("npx lerna version --yes").empty());
    CHECK(why("npm install -D lerna nx turbo").empty());
    CHECK(why("npx turbo --version").empty());
    CHECK(why("cd packages/nx").empty());
    CHECK(why("npm i -D lerna").empty());
    CHECK_FALSE(why("npx lerna").empty());
    CHECK_FALSE(why("npx nx --new-option value run-many").empty());  // `nx value` in project run-many, or an option's value
    // nx: -t values are whole target names, split at commas.
    const auto nx = task_run(simple_commands("npx nx run-many -t db:reset --targets=lint,\"db:seed\" -p api,web").front());
    REQUIRE(nx);
    CHECK(nx->tasks == std::vector<std::string>{"db:reset", "lint", "db:seed"});
    CHECK(nx->filters == std::vector<std::string>{"api", "web"});
    const auto one = task_run(simple_commands("nx run api:db:reset").front());
    REQUIRE(one);
    CHECK(one->tasks == std::vector<std::string>{"db", "db:reset"});
    CHECK(one->filters == std::vector<std::string>{"api"});
}

TEST_CASE("workspace tasks: each package's script, filters, turbo.json dependsOn (deploy_workspaces.cpp)") {
    std::map<std::string, std::string> files = {
        {"package.json", R"({"name": "mono", "workspaces": {"packages": ["apps/*", "packages/*", "!packages/old"]}})"},
        {"turbo.json", R"({"tasks": {"check": {"dependsOn": ["^db:wipe"]}, "lint": {"dependsOn": ["^build", "$TURBO_DEFAULT$"]}}})"},
        {"apps/web/package.json", R"({"name": "@x/web", "scripts": {"lint": "eslint .", "check": "tsc"}})"},
        {"packages/db/package.json", R"({"name": "@x/db", "scripts": {"db:wipe": "prisma migrate reset --force", "build": "tsc"}})"},
        {"packages/old/package.json", R"({"name": "@x/old", "scripts": {"lint": "prisma migrate reset --force"}})"},
    };
    files[std::string(k_package_files)] = "apps/web/package.json\npackages/db/package.json\npackages/old/package.json\n";
    const ReadFile read = [&](const std::string& p) -> std::optional<std::string> {
        auto it = files.find(p);
        return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    auto unknowns = [&](std::string_view line) { return deploy_command_unknowns("Procfile", "release: " + std::string(line) + "\n", read); };
    CHECK(unknowns("turbo run lint").empty());                   // packages/old is left out by `!`
    CHECK(unknowns("npm run lint --workspaces").empty());
    CHECK(unknowns("pnpm --filter @x/web run check").empty());
    CHECK(unknowns("turbo run check --filter=@x/web").size() == 1);  // dependsOn ^db:wipe
    CHECK(unknowns("npx lerna run db:wipe").size() == 1);
    CHECK(unknowns("turbo run db:wipe --filter='@x/*'").size() == 1);
    CHECK(unknowns("turbo run db:wipe --filter=@x/web").empty());
    CHECK(unknowns("turbo run db:wipe --filter=@x/web...").size() == 1);  // a filter not read: every package
    files[std::string(k_package_files)].clear();
    files.erase(std::string(k_package_files));
    CHECK(unknowns("turbo run lint").size() == 1);  // globs and no listing
}
