// Red team R89 F5, F10, F11 (analyze/migrations/other_runners.hpp): the commands a task runner's or
// Terraform's file runs, line by line, and the declarative and down words of Atlas and Hasura.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/deploy_tool_files.hpp"
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

TEST_CASE("task_file_commands: Fabric's, Capistrano's and PM2's commands at their lines (red team R89b F9)") {
    CHECK(task_file("fabfile.py"));
    CHECK(task_file("deploy/fabfile/db.py"));
    CHECK(task_file("config/deploy.rb"));
    CHECK(task_file("config/deploy/production.rb"));
    CHECK(task_file("lib/capistrano/tasks/db.cap"));
    CHECK(task_file("ecosystem.config.js"));
    CHECK_FALSE(task_file("app/deploy.py"));
    CHECK_FALSE(task_file("config/database.rb"));
    const std::string fab = task_file_commands("fabfile.py",
                                               "from fabric import task\n@task\ndef deploy(c):\n    c.run(\"npx knex migrate:latest\")\n"
                                               "    c.sudo(f\"cd {path} && npm ci\", pty=True)\n    subprocess.run([\"npx\", \"knex\", arg])\n"
                                               "    c.run(cmd)\n    c.run(\n        'npx knex ' + verb\n    )\n"
                                               "@task\ndef rollback(c):\n    c.run(\"npx knex migrate:rollback\")\n");
    CHECK(line_of(fab, 4) == "npx knex migrate:latest");
    CHECK(line_of(fab, 5) == "cd $COMPUTED && npm ci");
    CHECK(line_of(fab, 6) == "npx knex $COMPUTED");
    CHECK(line_of(fab, 7) == "$PGFENCE_COMPUTED_CALL");  // a variable: unknown (red team R90 F6)
    CHECK(line_of(fab, 8) == "npx knex  $COMPUTED");
    CHECK(line_of(fab, 13).empty());  // a helper named for the down direction
    const std::string cap = task_file_commands("config/deploy.rb",
                                               "namespace :deploy do\n  task :migrate do\n    on roles(:db) do\n"
                                               "      execute :npx, \"knex\", \"migrate:rollback\", raise_on_non_zero_exit: false\n"
                                               "      execute \"cd #{release_path} && npx knex migrate:latest\"\n      test(\"[ -f x ]\")\n"
                                               "    end\n  end\nend\n# execute \"npx knex migrate:rollback\"\n");
    CHECK(line_of(cap, 4) == "npx knex migrate:rollback");
    CHECK(line_of(cap, 5) == "cd $COMPUTED && npx knex migrate:latest");
    CHECK(line_of(cap, 6) == "[ -f x ]");
    CHECK(line_of(cap, 10).empty());  // a comment
    const std::string pm2 = task_file_commands("ecosystem.config.js",
                                               "module.exports = {\n  apps: [{ script: \"npm start\" }],\n  deploy: { production: {\n"
                                               "    'post-deploy': 'npm ci && npx knex migrate:rollback',\n    // \"pre-setup\": \"rm -rf x\",\n"
                                               "    \"post-setup\":\n      `echo ${HOST}`,\n    \"pre-deploy\": hooks.pre,\n  } }\n};\n");
    CHECK(line_of(pm2, 2).empty());  // an app's script: pm2 start's, not the deploy's
    CHECK(line_of(pm2, 4) == "npm ci && npx knex migrate:rollback");
    CHECK(line_of(pm2, 5).empty());
    CHECK(line_of(pm2, 7) == "echo $COMPUTED");
    CHECK(line_of(pm2, 8) == "$COMPUTED");
}

TEST_CASE("task_file_commands: invoke, shipit, Deployer, Envoy, Mina, Open3; constants and wrappers (red team R90 F4, F6)") {
    CHECK(task_file("tasks.py"));
    CHECK(task_file("shipitfile.js"));
    CHECK(task_file("deploy.php"));
    CHECK(task_file("Envoy.blade.php"));
    // A Celery tasks.py: no invoke, no commands.
    CHECK(line_of(task_file_commands("app/tasks.py", "import subprocess\nsubprocess.run(cmd)\n"), 2).empty());
    const std::string inv = task_file_commands("tasks.py",
                                               "from invoke import task\nMIGRATE = \"npx knex migrate:latest\"\n\ndef sh(c, cmd):\n    c.run(cmd)\n\n"
                                               "@task\ndef deploy(c):\n    c.run(MIGRATE)\n    sh(c, \"npm ci\")\n    ctx.run(cmd_for(x))\n    c.run()\n");
    CHECK(line_of(inv, 5).empty());  // the wrapper's body: its callers are read
    CHECK(line_of(inv, 9) == "npx knex migrate:latest");
    CHECK(line_of(inv, 10) == "npm ci");
    CHECK(line_of(inv, 11) == "$PGFENCE_COMPUTED_CALL");
    CHECK(line_of(inv, 12).empty());
    const std::string ship = task_file_commands("shipitfile.js", "module.exports = (shipit) => {\n  shipit.remote(`cd ${dir} && npx knex migrate:latest`, { cwd: x });\n"
                                                                 "  shipit.local(cmd);\n  // shipit.local(\"no\")\n};\n");
    CHECK(line_of(ship, 2) == "cd $COMPUTED && npx knex migrate:latest");
    CHECK(line_of(ship, 3) == "$PGFENCE_COMPUTED_CALL");
    CHECK(line_of(ship, 4).empty());
    const std::string php = task_file_commands("deploy.php", "<?php namespace Deployer;\ntask('m', function () {\n    run(\"cd $dir && npx knex migrate:latest\");\n"
                                                              "    runLocally('npm ci', ['timeout' => 60]);\n});\n");
    CHECK(line_of(php, 3) == "cd $COMPUTED && npx knex migrate:latest");
    CHECK(line_of(php, 4) == "npm ci");
    CHECK(line_of(task_file_commands("deploy.php", "<?php\nrun(\"npm ci\");\n"), 2).empty());  // not Deployer's
    const std::string envoy = task_file_commands("Envoy.blade.php", "@servers(['web' => 'x'])\n@task('deploy')\n    cd {{ $dir }}\n    npx knex migrate:latest\n@endtask\necho no\n");
    CHECK(line_of(envoy, 3) == "cd $COMPUTED");
    CHECK(line_of(envoy, 4) == "npx knex migrate:latest");
    CHECK(line_of(envoy, 6).empty());
    const std::string rb = task_file_commands("config/deploy.rb", "require 'mina/git'\ntask :deploy do\n  command \"npx knex migrate:latest\"\n"
                                                                  "  Open3.capture2e(\"npm ci\")\n  IO.popen([\"npx\", \"knex\", \"migrate:up\"])\n  Kernel.system(cmd)\nend\n");
    CHECK(line_of(rb, 3) == "npx knex migrate:latest");
    CHECK(line_of(rb, 4) == "npm ci");
    CHECK(line_of(rb, 5) == "npx knex migrate:up");
    CHECK(line_of(rb, 6) == "$PGFENCE_COMPUTED_CALL");
    // Rails' own bin/setup (rails/rails railties .../templates/bin/setup.tt): `system!` is its wrapper.
    const std::string setup = ruby_program_commands("#!/usr/bin/env ruby\nrequire \"fileutils\"\nAPP_ROOT = File.expand_path(\"..\", __dir__)\n\n"
                                                    "def system!(*args)\n  system(*args, exception: true)\nend\n\nFileUtils.chdir APP_ROOT do\n"
                                                    "  system(\"bundle check\") || system!(\"bundle install\")\n  system! \"bin/rails db:prepare\"\nend\n");
    CHECK(line_of(setup, 6).empty());
    CHECK(line_of(setup, 10) == "bundle check ; bundle install");
    CHECK(line_of(setup, 11) == "bin/rails db:prepare");
    CHECK(ruby_program("bin/release", "#!/usr/bin/env ruby\n"));
    CHECK_FALSE(ruby_program("bin/release", "#!/bin/sh\n"));
}

TEST_CASE("task_file_commands: a deploy tool's file read in linear time, lines kept past unclosed strings") {
    const std::string fab = task_file_commands("fabfile.py", "x = 'open\nc.run(\"npx knex migrate:latest\")\n");
    CHECK(line_of(fab, 2) == "npx knex migrate:latest");
    std::string hostile = "execute \"";
    for (int i = 0; i < 200000; ++i) hostile += "#{";
    hostile += "\"\nexecute \"npx knex migrate:latest\"\n";
    const std::string cap = task_file_commands("Capfile", hostile);
    CHECK(line_of(cap, 2) == "npx knex migrate:latest");
}
