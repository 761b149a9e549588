// `pr` and the values a command reads (bot/command_value_changes.hpp, red team R89 F3, F4).
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

#include "bot/command_value_changes.hpp"
#include "bot/value_sources.hpp"

using namespace pgfence;

namespace {

diff::ChangedFile changed(const std::string& path, int first, int last) {
    diff::ChangedFile f;
    f.path = path;
    f.added.push_back(diff::LineRange{first, last});
    return f;
}

const analyze::tools::ReadFile none = [](const std::string&) { return std::optional<std::string>(); };

}  // namespace

TEST_CASE("pr: a standing unknown is reported again when a line above sets the value it reads") {
    const std::string wf = "on: push\njobs:\n  d:\n    runs-on: x\n    steps:\n      - run: |\n          TASK=\"migrate:latest\"\n"
                           "          npx knex $TASK\n      - run: echo done\n";
    const std::string path = ".github/workflows/deploy.yml";
    // The assignment changed (line 7): the command at line 8 runs another verb.
    auto found = bot::changed_command_unknowns(changed(path, 7, 7), path, wf, wf, none, none, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 8);
    // Another step changed (line 9): nothing new.
    CHECK(bot::changed_command_unknowns(changed(path, 9, 9), path, wf, wf, none, none, {}).empty());
    // A caller's input of another name: nothing.
    CHECK(bot::changed_command_unknowns(changed(path, 9, 9), path, wf, wf, none, none, {"other"}).empty());
}

TEST_CASE("pr: a command that resolves to other words than the base's is reported wherever the line changed") {
    const std::string path = "Makefile";
    const std::string base = "KNEX_TASK = migrate:latest\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n";
    const std::string head = "KNEX_TASK = migrate:rollback --all\n\nmigrate:\n\tnpx knex $(KNEX_TASK)\n";
    auto found = bot::changed_command_unknowns(changed(path, 1, 1), path, head, base, none, none, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
}

TEST_CASE("pr: a caller's changed with: names the inputs of the local action it uses") {
    const std::string wf = "jobs:\n  d:\n    steps:\n      - uses: actions/cache@v4\n        with:\n          key: a\n"
                           "      - uses: ./.github/actions/migrate\n        with:\n          task: migrate:latest\n";
    bot::CallerValues out;
    bot::add_caller_values(changed(".github/workflows/d.yml", 9, 9), wf, out);
    REQUIRE(out.contains(".github/actions/migrate/action.yml"));
    CHECK(out[".github/actions/migrate/action.yml"] == std::set<std::string>{"task"});
    bot::CallerValues none_changed;
    bot::add_caller_values(changed(".github/workflows/d.yml", 2, 2), wf, none_changed);
    CHECK(none_changed.empty());
}

TEST_CASE("pr: a Kubernetes container's args change the command it runs") {
    const std::string job = "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n"
                            "          command: [\"npx\", \"knex\"]\n";
    auto found = bot::changed_exec_commands("k8s/job.yaml", job + "          args: [\"migrate:latest\", \"--env\", \"staging\"]\n",
                                            job + "          args: [\"migrate:latest\"]\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 8);
    CHECK(bot::changed_exec_commands("k8s/job.yaml", job + "          args: [\"migrate:latest\"]\n", job + "          args: [\"migrate:latest\"]\n").empty());
}

TEST_CASE("pr: a shell script's added or removed line re-reports its unknowns that read a computed word") {
    const std::string path = "scripts/migrate.sh";
    const std::string base = "#!/bin/bash\nset -e\nreadonly TASK=\"migrate:latest\"\nnpx knex $TASK\n";
    const std::string head = "#!/bin/bash\nset -e\nreadonly TASK=\"migrate:rollback\"\nnpx knex $TASK\n";
    auto found = bot::changed_command_unknowns(changed(path, 3, 3), path, head, base, none, none, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    // A removed line, no added one.
    const std::string removed = "#!/bin/bash\nset -e\nnpx knex $TASK\n";
    diff::ChangedFile none_added;
    none_added.path = path;
    CHECK(bot::changed_command_unknowns(none_added, path, removed, base, none, none, {}).size() == 1);
    // A comment or a blank line: nothing.
    const std::string commented = "#!/bin/bash\nset -e\n\n# the task\nreadonly TASK=\"migrate:latest\"\nnpx knex $TASK\n";
    CHECK(bot::changed_command_unknowns(changed(path, 3, 4), path, commented, base, none, none, {}).empty());
    // Unchanged, but a file it reads values from changed.
    CHECK(bot::changed_command_unknowns(none_added, path, base, base, none, none, {}, true).size() == 1);
}

TEST_CASE("pr: a Kubernetes env value sets the name of its list item") {
    const std::string path = "k8s/job.yaml";
    const std::string job = "apiVersion: batch/v1\nkind: Job\nspec:\n  containers:\n    - name: m\n      command: [\"sh\", \"-c\", \"npx knex $KNEX_TASK\"]\n      env:\n"
                            "        - name: NODE_ENV\n          value: production\n        - name: KNEX_TASK\n          value: migrate:latest\n";
    auto found = bot::changed_command_unknowns(changed(path, 11, 11), path, job, job, none, none, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 6);
    CHECK(bot::changed_command_unknowns(changed(path, 9, 9), path, job, job, none, none, {}).empty());
}

TEST_CASE("pr: the files a command file reads values from") {
    using V = std::vector<std::string>;
    CHECK(bot::value_sources("deploy/Makefile", "deploy/Makefile", "include config.mk\n-include $(ENV).mk\nm:\n\tnpx knex $(T)\n").files ==
          V{"deploy/config.mk", "config.mk"});
    CHECK(bot::value_sources("deploy/Makefile", "deploy/Makefile", "-include $(ENV).mk\n").computed_in == V{"deploy"});
    CHECK(bot::value_sources("a/justfile", "a/justfile", "set dotenv-load\nm:\n    npx knex $T\n").files == V{"a/.env", ".env"});
    CHECK(bot::value_sources("s/m.sh", "s/m.sh", ". ./deploy.env\nnpx knex $(cat task.txt) $(jq -r .t d.json)\n").files ==
          V{"s/deploy.env", "deploy.env", "s/task.txt", "task.txt", "s/d.json", "d.json"});
    CHECK(bot::value_sources(".github/workflows/d.yml", ".github/workflows/d.yml", "      - run: cat deploy.env >> \"$GITHUB_ENV\"\n").files ==
          V{"deploy.env"});
    CHECK(bot::value_sources(".gitlab-ci.yml", ".gitlab-ci.yml", "include:\n  - local: /ci/vars.yml\n  - 'ci/more.yml'\nm:\n  script: [x]\n").files ==
          V{"ci/vars.yml", "ci/more.yml"});
    CHECK(bot::value_sources("docker-compose.yml", "docker-compose.yml", "services:\n  m:\n    env_file:\n      - deploy.env\n").files ==
          V{".env", "deploy.env"});
    CHECK(bot::value_sources("app/Taskfile.yml", "app/Taskfile.yml", "version: '3'\ndotenv: ['.env', 'deploy.env']\ntasks:\n  m:\n    cmds: [x]\n").files ==
          V{"app/.env", "app/deploy.env"});
    // A path the environment gives is no file of the checkout, and not a computed source.
    CHECK(bot::value_sources(".github/workflows/d.yml", ".github/workflows/d.yml", "      - run: jq .x \"$GITHUB_EVENT_PATH\"\n").computed_in.empty());
    // helm's -f files with the words that may name the chart; ansible-playbook's inventory, -e @F and playbook.
    const auto helm = bot::value_sources(".github/workflows/d.yml", ".github/workflows/d.yml",
                                         "      - run: helm upgrade --install app ./chart -f deploy/prod.yaml --values=v.yml && make x\n");
    CHECK(std::count(helm.helm_values.begin(), helm.helm_values.end(), std::pair<std::string, std::string>{"deploy/prod.yaml", "chart"}) == 1);
    CHECK(std::count(helm.helm_values.begin(), helm.helm_values.end(), std::pair<std::string, std::string>{"v.yml", ""}) == 1);
    CHECK(std::none_of(helm.helm_values.begin(), helm.helm_values.end(), [](const auto& h) { return h.second == "make"; }));
    CHECK(bot::value_sources(".github/workflows/d.yml", ".github/workflows/d.yml",
                             "      - run: ansible-playbook -i ops/hosts -e @ops/extra.yml ops/site.yml\n").for_templates ==
          V{"ops/hosts", "ops/extra.yml", "ops/site.yml"});
    CHECK(bot::reads_computed_word("npx knex {{task}}"));
    CHECK(!bot::reads_computed_word("npx knex migrate:latest"));
    // Red team R90 F1: a computed path's literal folder; the script's folder as `$(dirname "$0")` or a
    // name set from it; any word naming a file of the tree, and a word after `<`.
    CHECK(bot::value_sources("Makefile", "Makefile", "include config/$(ENV).mk\n").computed_under == V{"config"});
    CHECK(bot::value_sources("s/m.sh", "s/m.sh", "for f in config/env/*.env; do . \"./$f\"; done\n").computed_under == V{"s/config/env", "config/env"});
    CHECK(bot::value_sources("s/m.sh", "s/m.sh", ". \"$(dirname \"$0\")/../config/d.env\"\n").files == V{"config/d.env"});
    CHECK(bot::value_sources("s/m.sh", "s/m.sh", "D=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\n. \"$D/x.env\"\n").files == V{"s/x.env", "x.env"});
    CHECK(bot::value_sources("s/m.sh", "s/m.sh", "read -r T < deploy/task\n").files == V{"s/deploy/task", "deploy/task"});
    const std::function<bool(std::string_view)> tree = [](std::string_view p) { return p == ".env" || p == "config/d.json"; };
    CHECK(bot::value_sources("s/m.sh", "s/m.sh", "export $(grep -v '^#' .env | xargs)\nnpx knex $(node -p \"require('./config/d.json').t\")\n", tree)
              .files == V{".env", "config/d.json"});
}
