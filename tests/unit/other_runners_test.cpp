// Red team R89 F5, F10, F11 (analyze/migrations/other_runners.hpp): the commands a task runner's or
// Terraform's file runs, line by line, and the declarative and down words of Atlas and Hasura.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/other_runners.hpp"

using namespace pgfence::analyze::tools;

namespace {

// The line `n` (1-based) of the script task_file_commands makes.
std::string line_of(const std::string& text, int n) {
    std::size_t at = 0;
    for (int i = 1; i < n; ++i) at = text.find('\n', at) + 1;
    return text.substr(at, text.find('\n', at) - at);
}

std::string destructive(const std::string& command) {
    for (const auto& words : deploy_detail::simple_commands(command)) {
        if (auto why = deploy_detail::other_destructive_words(words); !why.empty()) return why;
    }
    return "";
}

}  // namespace

TEST_CASE("task_file_commands: each runner's commands at their lines") {
    const std::string rake = task_file_commands("Rakefile", "task :migrate do\n  sh \"npx knex\", \"migrate:latest\"\n  `echo #{x}`\nend\n"
                                                            "task :test do\n  sh 'rspec'\nend\n");
    CHECK(line_of(rake, 2) == "npx knex migrate:latest");
    CHECK(line_of(rake, 3) == "echo $COMPUTED");
    CHECK(line_of(rake, 6).empty());  // a test task's
    const std::string tf = task_file_commands("infra/a.tf", "resource \"x\" \"y\" {\n  command = \"no\"\n  provisioner \"local-exec\" {\n"
                                                            "    command = \"psql -c \\\"SELECT 1\\\" ${var.u}\"\n  }\n}\n");
    CHECK(line_of(tf, 2).empty());  // not in a local-exec block
    CHECK(line_of(tf, 4) == "psql -c \"SELECT 1\" $COMPUTED");
    const std::string mise = task_file_commands("mise.toml", "[tasks.deploy]\nrun = [\n  \"a\",\n  'b',\n]\n[tasks]\nmigrate = \"c\"\nlint = \"d\"\n");
    CHECK(line_of(mise, 3) == "a");
    CHECK(line_of(mise, 4) == "b");
    CHECK(line_of(mise, 7) == "c");
    CHECK(line_of(mise, 8).empty());
    const std::string deno = task_file_commands("deno.jsonc", "{ /* { */ \"tasks\": {\n  \"migrate\": {\"command\": \"x\"},\n  \"dev\": \"y\"\n}}\n");
    CHECK(line_of(deno, 2) == "x");
    CHECK(line_of(deno, 3).empty());
    const std::string composer = task_file_commands("composer.json", "{\"scripts\": {\"post-install-cmd\": [\n\"@php artisan migrate\", \"@other\", \"A\\\\B::c\"]}}\n");
    CHECK(line_of(composer, 2) == "php artisan migrate");
    CHECK(task_file_commands("Rakefile", "task :x do\n  sh \"a\"\nend\n", "x").find('a') != std::string::npos);  // by name, whatever it is
}

TEST_CASE("other_destructive_words: Atlas's declarative apply, Hasura's down flags") {
    CHECK(!destructive("atlas schema apply -u $URL --to file://schema.sql --auto-approve").empty());
    CHECK(destructive("atlas schema apply -u $URL --to file://schema.sql --dry-run").empty());
    CHECK(!destructive("atlas migrate down --env prod").empty());
    CHECK(destructive("atlas migrate apply --env prod").empty());
    CHECK(!destructive("hasura migrate apply --down all").empty());
    CHECK(!destructive("hasura migrate apply --down=2").empty());
    CHECK(!destructive("hasura migrate apply --goto 1700000000000").empty());
    CHECK(!destructive("hasura migrate apply --version 17 --type down").empty());
    CHECK(destructive("hasura migrate apply --version 17 --type up").empty());
    CHECK(destructive("hasura migrate apply --database-name default").empty());
}
