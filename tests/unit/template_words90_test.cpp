// Red team R89b F5, F6: a `{{ }}` word in a command read from YAML (a Helm chart's template, an
// Ansible task) is a value pgfence does not render; `$(...)` is part of the shell word it is in, and
// a Makefile's recipe is read by psql's reader with make's literal variables put in.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/migrations/ansible_tasks.hpp"
#include "analyze/migrations/deploy_commands.hpp"
#include "analyze/migrations/psql_commands.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/template_vars.hpp"

using namespace pgfence::analyze::tools;

namespace {

// Each command's words joined by `|`, commands by `;`.
std::string split(std::string_view line) {
    std::string out;
    for (const auto& c : psql_detail::shell_commands(line)) {
        out += out.empty() ? "" : ";";
        for (std::size_t i = 0; i < c.words.size(); ++i) out += (i ? "|" : "") + c.words[i];
    }
    return out;
}

std::string listed(const std::vector<ToolDir>& dirs) {
    std::string out;
    for (const auto& d : dirs) out += (out.empty() ? "" : ";") + d.tool + ":" + std::to_string(d.line) + ":" + (d.unknown.empty() ? d.folder : "?");
    return out;
}

}  // namespace

TEST_CASE("template words90: $(...) stays in its word; a subshell's and a case pattern's ) end a command") {
    CHECK(split("psql $(DATABASE_URL) -c 'DROP TABLE users'") == "psql|$(DATABASE_URL)|-c|DROP TABLE users");
    CHECK(split("psql $(heroku config:get DATABASE_URL -a x) -c 'DROP'") == "psql|$(heroku config:get DATABASE_URL -a x)|-c|DROP");
    CHECK(split("psql --dbname=$(cat \"a)b\" | tr -d ')') -f x.sql") == "psql|--dbname=$(cat \"a)b\" | tr -d ')')|-f|x.sql");
    CHECK(split("psql $(echo $(x) (y)) -c q") == "psql|$(echo $(x) (y))|-c|q");
    CHECK(split("echo $((1 + 2)) x") == "echo|$((1 + 2))|x");
    CHECK(split("psql \"$(X)\" -c q") == "psql|$(X)|-c|q");
    CHECK(split("(cd db && psql -f y.sql) && echo ok") == "(cd|db;psql|-f|y.sql;;echo|ok");
    CHECK(split("a) psql -f a.sql;; b) echo") == "a;psql|-f|a.sql;b;echo");
    CHECK(split("psql $(unclosed -c q") == "psql|$(unclosed -c q");  // to the end of the line, as bash would fail it
}

TEST_CASE("template words90: psql in a Makefile recipe and a workflow with $(...)") {
    CHECK(listed(read_psql_files("Makefile", "db:\n\tpsql $(DATABASE_URL) -c 'DROP TABLE users'\n", "")) == "psql:2:?");
    CHECK(listed(read_psql_files("Makefile", "db:\n\tpsql -d $(DATABASE_URL) -f db/cleanup.sql\n", "")) == "psql:2:db/cleanup.sql");
    CHECK(listed(read_psql_files("Makefile", "PSQL := psql $(DATABASE_URL)\n\ndb:\n\t$(PSQL) -c 'DROP TABLE users'\n", "")) == "psql:4:?");
    CHECK(listed(read_psql_files("Makefile", "db:\n\tpsql $(DATABASE_URL) -c 'SELECT 1'\n", "")).empty());  // a read
    CHECK(listed(read_psql_files("w.yml", "      - run: psql $(heroku config:get DATABASE_URL -a acme) -c 'DROP TABLE users'\n", "")) == "psql:1:?");
    CHECK(listed(read_psql_files("deploy.sh", "n=$(psql \"$URL\" -tAc 'DELETE FROM users')\n", "")) == "psql:1:?");
}

TEST_CASE("template words90: {{ }} in YAML commands") {
    CHECK(without_template_words("npx knex {{ .Values.migrate.task | quote }}") == "npx knex $JUST_COMPUTED");
    CHECK(without_template_words("run: psql ${{ env.URL }} -c {{x}}") == "run: psql ${{ env.URL }} -c $JUST_COMPUTED");
    CHECK(without_template_words("a {{ b") == "a {{ b");
    const std::string job = "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n"
                            "          image: \"{{ .Values.image }}\"\n          command: [\"npx\", \"knex\", {}]\n";
    auto with = [&](std::string_view arg) { std::string j = job; j.replace(j.find("{}"), 2, arg); return j; };
    const auto u = deploy_command_unknowns("chart/templates/job.yaml", with("{{ .Values.migrate.task | quote }}"), {});
    REQUIRE(u.size() == 1);
    CHECK(u[0].line == 9);
    CHECK(u[0].why.find("a template value pgfence does not render") != std::string::npos);
    CHECK(deploy_command_unknowns("chart/templates/job.yaml", with("\"migrate:latest\""), {}).empty());  // image: {{ }} alone: clean
}

TEST_CASE("template words90: Ansible tasks") {
    const std::string play = "- hosts: app\n  vars:\n    knex_task: migrate:latest\n  tasks:\n    - name: migrate\n      ansible.builtin.shell: npx knex {{ knex_task }}\n"
                             "    - shell: |\n        cd /srv/app\n        npx knex migrate:rollback --all\n    - command:\n        cmd: \"npx knex {{ t }}\"\n"
                             "    - shell: npx knex migrate:latest\n    - shell: echo {{ greeting }}\n";
    REQUIRE(ansible_tasks_file("ansible/deploy.yml", play));
    const auto u = ansible_task_unknowns(play);
    REQUIRE(u.size() == 3);
    CHECK(u[0].line == 6);
    CHECK(u[0].uses == std::vector<int>{3});  // the play's `vars:` line: pr reviews the command when it changes
    CHECK(u[1].line == 9);
    CHECK(u[2].line == 11);
    CHECK_FALSE(ansible_tasks_file("config/app.yml", "server:\n  port: 8080\n"));
    CHECK(deploy_command_unknowns("ansible/deploy.yml", play, {}).size() == 3);
}
