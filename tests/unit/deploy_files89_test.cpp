// Red team R89 F1, F2, F6, F7, F9: files read as make's, just's or flyctl's by what names them,
// `{{ }}` variables, container commands from two lines.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>

#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/joined_commands.hpp"
#include "analyze/migrations/named_command_files.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/template_vars.hpp"

using namespace pgfence::analyze::tools;

namespace {

ReadFile files(std::map<std::string, std::string> m) {
    return [m = std::move(m)](const std::string& p) -> std::optional<std::string> {
        const auto it = m.find(p);
        if (it == m.end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace

TEST_CASE("deploy files89: make, just and fly files by name and by view") {
    for (const char* p : {"Makefile.deploy", "ops/db.Makefile", "x.make", "just/db.justfile", "fly.production.toml", "fly.yaml"}) CHECK(command_file(p));
    CHECK_FALSE(command_file("Makefile.md"));
    CHECK(command_view("deploy/db.conf", CommandKind::make) == "deploy/db.conf.mk");
    CHECK(command_view("Makefile.deploy", CommandKind::make) == "Makefile.deploy");
    CHECK(command_view("deploy/prod.toml", CommandKind::fly) == "deploy/fly.prod.toml");
    CHECK(command_file(command_view("ops/db.recipes", CommandKind::just)));
}

TEST_CASE("deploy files89: includes and imports") {
    const auto make = included_files("ops/Makefile", "include common.mk local.mk\n-include $(OBJS:.o=.d)\nsinclude $(ENV_FILE)\n\tinclude x\n", true);
    REQUIRE(make.size() == 3);
    CHECK(make[0].path == "ops/common.mk");
    CHECK(make[1].path == "ops/local.mk");
    CHECK(make[2].path.empty());  // computed: unknown; the dependency files are left out
    const auto just = included_files("justfile", "import 'just/db.justfile'\nmod db\nmod? api 'svc/api.just'\n", false);
    REQUIRE(just.size() == 6);
    CHECK(just[0].path == "just/db.justfile");
    CHECK(just[1].module == "db");
    CHECK(just[5].path == "svc/api.just");
}

TEST_CASE("deploy files89: make -f through an include, a just module's recipe") {
    const auto read = files({{"deploy/db.conf", "include ops/more.conf\n"}, {"deploy/ops/more.conf", "migrate:\n\tnpx knex migrate:rollback --all\n"},
                             {"ops/db.recipes", "migrate:\n    npx knex migrate:rollback --all\n"}});
    auto u = deploy_command_unknowns("Makefile.ci", "deploy:\n\tmake -f deploy/db.conf migrate\n", read);
    REQUIRE(u.size() == 1);
    CHECK(u[0].line == 2);
    // `make -f deploy/db.conf` run at the top reads `include ops/x.conf` from the top, where make runs.
    u = deploy_command_unknowns("Makefile.ci", "deploy:\n\tmake -f deploy/db.conf migrate\n",
                                files({{"deploy/db.conf", "include ops/x.conf\n"}, {"ops/x.conf", "migrate:\n\tnpx knex migrate:rollback --all\n"}}));
    CHECK(u.size() == 1);
    u = deploy_command_unknowns("ci.sh", "just db migrate\n", files({{"justfile", "mod db 'ops/db.recipes'\n"}, {"ops/db.recipes", "migrate:\n    npx knex migrate:rollback --all\n"}}));
    CHECK(u.size() == 1);
    CHECK(deploy_command_unknowns("ci.sh", "fly deploy --config \"$FLY_TOML\"\n", read).size() == 1);
    CHECK(deploy_command_unknowns("ci.sh", "fly deploy --config fly.staging.toml\n", read).empty());
}

TEST_CASE("deploy files89: {{ }} variables") {
    const auto just = just_variables("task := \"migrate:latest\"\nimage := env_var('IMAGE')\n");
    std::vector<int> uses;
    CHECK(with_template_vars("    npx knex {{ task }}", just, false, uses) == "    npx knex migrate:latest");
    CHECK(uses == std::vector<int>{1});
    CHECK(with_template_vars("docker build -t {{image}} .", just, false, uses) == "docker build -t $JUST_COMPUTED .");
    const auto task = taskfile_variables("vars:\n  T: migrate:latest\n  S:\n    sh: echo x\ntasks:\n  m:\n    cmds:\n      - x\n");
    CHECK(with_template_vars("- npx knex {{.T}} {{.S}}", task, true, uses) == "- npx knex migrate:latest $JUST_COMPUTED");
}

TEST_CASE("deploy files89: ENTRYPOINT + CMD, docker:// steps") {
    auto lines = logical_lines("FROM node\nENTRYPOINT [\"npx\", \"knex\"]\nCMD [\"migrate:rollback\"]\nFROM x\nCMD [\"a\"]\n", false);
    CHECK(lines[2].text == "CMD [\"npx\", \"knex\", \"migrate:rollback\"]");
    CHECK(lines[4].text == "CMD [\"a\"]");
    CHECK(dockerfile_entrypoint("FROM a\nENTRYPOINT [\"npx\", \"knex\"]\n") == "npx knex");
    lines = logical_lines("steps:\n  - uses: docker://postgres:15\n    with:\n      entrypoint: psql\n      args: -c \"DROP TABLE users\"\n  - run: echo\n", true);
    CHECK(lines[4].text == "      run: psql -c \"DROP TABLE users\"");
    CHECK(deploy_command_unknowns("docker-compose.yml", "services:\n  m:\n    build: .\n    command: [\"migrate:rollback\"]\n",
                                  files({{"Dockerfile", "FROM node\nENTRYPOINT [\"npx\", \"knex\"]\n"}})).size() == 1);
    CHECK(deploy_command_unknowns("k8s/job.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: m\n      args: [\"migrate:latest\"]\n", files({})).size() == 1);
    CHECK(deploy_command_unknowns("k8s/web.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: m\n      args: [\"--port\", \"80\"]\n", files({})).empty());
}
