"""Other runners a deploy starts (red team R89 F5, F8, F10, F11; issue #53).

F5: `terraform apply` runs a local-exec provisioner's command, `rake T` a task's `sh`, `mise run T`
a task's `run`, `deno task T` deno.json's task, `composer install` composer.json's event scripts:
pgfence read none of those files, so `npx knex migrate:rollback --all` there passed as "0 unknown".
F8: `ruby scripts/fix.rb` and `go run ./cmd/migrate`, the project's own programs that connect to
PostgreSQL, were neither followed nor unknown. F10: `atlas schema apply` plans and runs DDL from the
desired state (drops included); F11: Hasura's `migrate apply --down all` runs the down.sql files.
Each is now unknown at its line in `analyze` and needs a person in `pr`; the controls stay clean.

    test_other_runners89.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, gate_both, workflow  # noqa: E402
from test_own_runner import pr_gate, review  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

WF = ".github/workflows/deploy.yml"
UP = "npx knex migrate:latest"
DOWN = "npx knex migrate:rollback --all"


def tf(command):
    return ('resource "terraform_data" "migrate" {\n  triggers_replace = [timestamp()]\n'
            '  provisioner "local-exec" {\n    working_dir = "${path.module}/.."\n'
            f'    command     = "{command}"\n  }}\n}}\n')


def runner_gate(s, path, base_text, head_text, line, step):
    """The deploy runs `step`; the pull request changes only `path`'s command to the down direction."""
    base = {**KNEX, path: base_text, WF: workflow("npm ci", step)}
    gate_both(s, {path: head_text}, path, line, base=base)


# F5: task runners and Terraform.
def terraform_local_exec(s):
    runner_gate(s, "infra/migrate.tf", tf(UP), tf(DOWN), 5, "terraform -chdir=infra init && terraform -chdir=infra apply -auto-approve")


def terraform_heredoc(s):
    heredoc = lambda c: ('resource "null_resource" "db" {\n  provisioner "local-exec" {\n    command = <<-EOT\n'
                         f'      echo migrating\n      {c}\n    EOT\n  }}\n}}\n')
    runner_gate(s, "infra/db.tf", heredoc(UP), heredoc(DOWN), 5, "terraform -chdir=infra apply -auto-approve")


def rake_sh(s):
    rake = lambda c: f'desc "run the migrations"\ntask :migrate do\n  sh "{c}"\nend\n'
    runner_gate(s, "Rakefile", rake(UP), rake(DOWN), 3, "rake migrate")


def mise_run(s):
    mise = lambda c: f'[tools]\nnode = "20"\n\n[tasks.migrate]\ndescription = "migrate"\nrun = "{c}"\n'
    runner_gate(s, "mise.toml", mise(UP), mise(DOWN), 6, "mise run migrate")


def deno_task(s):
    deno = lambda c: '{\n  // tasks\n  "tasks": {\n    "dev": "deno run -A main.ts",\n    "migrate": {\n      "command": "' + c + '"\n    }\n  }\n}\n'
    runner_gate(s, "deno.jsonc", deno(UP), deno(DOWN), 6, "deno task migrate")


def composer_event(s):
    comp = lambda c: '{\n  "name": "acme/app",\n  "scripts": {\n    "post-install-cmd": [\n      "@php artisan package:discover",\n      "' + c + '"\n    ]\n  }\n}\n'
    runner_gate(s, "composer.json", comp("@php artisan migrate --force"), comp("@php artisan migrate:fresh --force"), 6, "composer install --no-dev")


def step_runs_helper_task(s):
    """A deploy step runs a task by a helper's name (`rake db_reset`, `mise run fresh`): that task's
    commands are read, at the step's line, as a Makefile target's are."""
    base = {**KNEX, "Rakefile": 'task :db_reset do\n  sh "npx knex migrate:rollback --all"\nend\n',
            "mise.toml": '[tasks.fresh]\nrun = "npx knex migrate:rollback --all"\n', WF: workflow("npm ci", "npx knex migrate:latest")}
    gate_both(s, {WF: workflow("npm ci", "bundle exec rake db_reset", "mise run fresh")}, WF, 8, base=base)
    found = [f for f in analyze(s)[1] if f["path"] == WF]
    check(any(f["line"] == 9 and "mise task" in f["message"] for f in found), f"the mise step is unknown too: {found}")


def control_runners(s):
    """Terraform infrastructure with no database command, a Rakefile's test and build tasks, a mise
    task and a Composer script that run no migration tool's destructive verb: nothing unknown."""
    pull_request(s, {
        "infra/main.tf": ('resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n\n'
                          'resource "null_resource" "notify" {\n  provisioner "local-exec" {\n    command = "echo deployed ${aws_s3_bucket.assets.id}"\n  }\n}\n'),
        "Rakefile": ('task :test do\n  sh "bundle exec rspec"\nend\n\ntask :reset_db do\n  sh "npx knex migrate:rollback --all"\nend\n\n'
                     'task :migrate do\n  sh "npx knex migrate:latest"\nend\n'),
        "mise.toml": '[tasks.build]\nrun = "npm run build"\n\n[tasks.migrate]\nrun = ["npx knex migrate:latest"]\n',
        "composer.json": '{"scripts": {"post-install-cmd": ["@php artisan package:discover", "Acme\\\\Hooks::done"], "test": "phpunit"}}\n',
        # A task's program the build writes (`deno task start` after a bundle): the app's, as a package.json `start`.
        "deno.json": '{"tasks": {"build": "deno bundle src/main.ts dist/server.js", "start": "deno run -A dist/server.js"}}\n',
        WF: workflow("npm ci", "terraform -chdir=infra apply -auto-approve", "rake migrate", "mise run migrate", "composer install",
                     "deno task build && deno task start"),
    }, KNEX)
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")
    check(proc.returncode == 0, f"analyze --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


# F8: the project's own Ruby and Go programs.
RUBY = 'require "pg"\n\n# data fixes that follow the schema migrations\nconn = PG.connect(ENV.fetch("DATABASE_URL"))\nconn.exec("ANALYZE users")\nconn.close\n'
GO = ('package main\n\nimport (\n\t"database/sql"\n\t"os"\n\n\t_ "github.com/lib/pq"\n)\n\nfunc main() {\n'
      '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))\n\tdb.Exec("ANALYZE users")\n}\n')


def ruby_runner(s):
    gate_both(s, {WF: workflow("npm ci && npx knex migrate:latest", "ruby scripts/fix_data.rb"), "scripts/fix_data.rb": RUBY}, WF, 8)
    found = [f for f in analyze(s)[1] if f["path"] == WF and f["line"] == 8]
    check(any("scripts/fix_data.rb" in f["message"] and "Ruby" in f["message"] for f in found), f"the unknown names the program: {found}")


def bundle_ruby_runner(s):
    gate_both(s, {WF: workflow("npm ci", "cd scripts && bundle exec ruby -W0 fix_data.rb"), "scripts/fix_data.rb": RUBY}, WF, 8)


def go_runner(s):
    gate_both(s, {WF: workflow("npm ci", "go run ./cmd/migrate"), "cmd/migrate/main.go": GO, "go.mod": "module example.com/app\n\ngo 1.21\n"}, WF, 8)


def go_built_runner(s):
    """`go build -o bin/migrate ./cmd/migrate`, then the binary, in the same step; `pr` changing its source."""
    step = "go build -o bin/migrate ./cmd/migrate && ./bin/migrate"
    gate_both(s, {WF: workflow("npm ci", step), "cmd/migrate/main.go": GO}, WF, 8)


def pr_go_built_runner_changed(s):
    base = {**KNEX, WF: workflow("npm ci", "go build -o bin/migrate ./cmd/migrate", "./bin/migrate"), "cmd/migrate/main.go": GO}
    pr_gate(s, base, {"cmd/migrate/main.go": GO.replace("ANALYZE users", "DROP TABLE users")}, "cmd/migrate/main.go",
            ["the project's own runner changed", WF + ":9"])


def pr_ruby_runner_changed(s):
    """The pull request changes only the Ruby runner's SQL."""
    base = {**KNEX, WF: workflow("npm ci", "ruby scripts/fix_data.rb"), "scripts/fix_data.rb": RUBY}
    pr_gate(s, base, {"scripts/fix_data.rb": RUBY.replace("ANALYZE users", "DROP TABLE users")}, "scripts/fix_data.rb",
            ["the project's own runner changed", WF])


def pr_go_runner_changed(s):
    base = {**KNEX, WF: workflow("npm ci", "go run ./cmd/migrate"), "cmd/migrate/main.go": GO}
    pr_gate(s, base, {"cmd/migrate/main.go": GO.replace("ANALYZE users", "DROP TABLE users")}, "cmd/migrate/main.go",
            ["the project's own runner changed"])


def control_own_programs(s):
    """A Go service a deploy starts (`go run ./cmd/server`), a Ruby script with no PostgreSQL driver:
    nothing unknown; a pull request changing the service stays quiet."""
    server = GO.replace("db.Exec(\"ANALYZE users\")", "_ = db")
    base = {**KNEX, WF: workflow("npm ci", "go run ./cmd/server &", "ruby scripts/notify.rb", "go build -o bin/server ./cmd/server && ./bin/server"),
            "cmd/server/main.go": server, "scripts/notify.rb": 'require "net/http"\nNet::HTTP.get(URI("https://example.com"))\n'}
    proc, found = review(s, base, {"cmd/server/main.go": server + "// v2\n"})
    check(not [f for f in found if f["rule"] == "unknown-statement"], f"pr: nothing is unknown: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")


# F10, F11: Atlas's declarative apply, Hasura's down flags.
ATLAS = 'atlas schema apply --auto-approve -u "$DATABASE_URL" --to file://schema.sql --dev-url "docker://postgres/15/dev"'


def atlas_apply(s):
    base = {"schema.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n", WF: workflow("echo build")}
    gate_both(s, {WF: workflow("echo build", ATLAS)}, WF, 8, base=base)


def atlas_dry_run_control(s):
    pull_request(s, {WF: workflow("echo build", ATLAS + " --dry-run")}, {"schema.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n"})
    proc, found = analyze(s)
    check(not [f for f in found if f["rule"] == "unknown-statement" and f["path"] == WF], f"a dry run is not unknown: {found}")


HASURA = {"hasura/config.yaml": "version: 3\nendpoint: http://localhost:8080\nmetadata_directory: metadata\n",
          "hasura/migrations/default/1700000000000_users/up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
          "hasura/migrations/default/1700000000000_users/down.sql": "DROP TABLE users;\n"}


def hasura_down(s):
    base = {**HASURA, WF: workflow("cd hasura && hasura migrate apply --database-name default")}
    gate_both(s, {WF: workflow("cd hasura && hasura migrate apply --database-name default --down all")}, WF, 7, base=base)


def hasura_goto(s):
    base = {**HASURA, WF: workflow("cd hasura && hasura migrate apply --database-name default")}
    gate_both(s, {WF: workflow("cd hasura && hasura migrate apply --database-name default --version 1700000000000 --type down")}, WF, 7, base=base)


# F12: a Dockerfile copies a repository folder elsewhere and runs a file of it by a relative path.
def dockerfile_copied_sql(s):
    """`COPY db/ /srv/sql/`, WORKDIR /srv, `psql -f sql/release.sql`: the pull request's DROP TABLE in
    db/release.sql, the file that runs, needs a person."""
    base = {"prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
            "package.json": '{"name":"app","private":true,"scripts":{"migrate":"prisma migrate deploy"},"dependencies":{"prisma":"5.0.0"}}\n',
            "db/release.sql": "SELECT 1;\n",
            "Dockerfile": 'FROM node:20\nWORKDIR /srv\nCOPY db/ /srv/sql/\nCOPY . .\nCMD ["sh", "-c", "psql \\"$DATABASE_URL\\" -f sql/release.sql && node server.js"]\n'}
    proc, found = review(s, base, {"db/release.sql": "DROP TABLE users;\n"})
    check(proc.returncode == 1, f"pr --ci --unknown block fails: {proc.returncode}\n{proc.stdout[-1500:]}")
    check(any(f["path"] == "db/release.sql" for f in found), f"pr: a finding on db/release.sql: {found}")


SCENARIOS = {f.__name__: f for f in [terraform_local_exec, terraform_heredoc, rake_sh, mise_run, deno_task, composer_event, step_runs_helper_task, control_runners,
                                      ruby_runner, bundle_ruby_runner, go_runner, go_built_runner, pr_go_built_runner_changed,
                                      pr_ruby_runner_changed, pr_go_runner_changed,
                                      control_own_programs, atlas_apply, atlas_dry_run_control, hasura_down, hasura_goto, dockerfile_copied_sql]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
