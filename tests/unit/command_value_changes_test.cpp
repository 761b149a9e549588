// `pr` and the values a command reads (bot/command_value_changes.hpp, red team R89 F3, F4).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "bot/command_value_changes.hpp"

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
