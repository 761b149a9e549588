"""What the migration tool or the deploy runs that `pgfence pr` and `pgfence analyze` must see (issue
#53, red teams H1 and H2). Each scenario builds a real git repository (base commit on main, the
pull request's commit on feature), runs `pgfence pr` against the GitHub double and, where it applies,
`pgfence analyze` over the checkout, and asserts the finding or the unknown statement at the file
and line that runs.

    test_read_reach.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402
from test_tool_reach import analyze_findings, gated, pr_findings, repository, run  # noqa: E402

INIT = {"migrations/001_init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY, email text);\n"}
CLEANUP = "DELETE FROM users;\nDROP TABLE users;\n"
PSQL = 'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f db/cleanup.sql'
CLEANUP_FOUND = {("db/cleanup.sql", "delete-without-where", 1), ("db/cleanup.sql", "drop-table", 2)}


def ci_file(s, path, text, expected=CLEANUP_FOUND):
    """The pull request adds a deploy file that runs db/cleanup.sql with psql, and the file: it is
    analysed as SQL, though no migration glob selects db/."""
    gated(s, INIT, {path: text, "db/cleanup.sql": CLEANUP}, expected)


def ci_buildkite(s):
    """Red team H1, CI_BUILDKITE: a Buildkite step's command (buildkite/agent's pipeline upload reads
    .buildkite/pipeline.yml)."""
    ci_file(s, ".buildkite/pipeline.yml", f"steps:\n  - label: migrate\n    command: {PSQL}\n")


def ci_cloudbuild(s):
    """Red team H1, CI_CLOUDBUILD: a Cloud Build step in exec form, `entrypoint: psql` and its args."""
    ci_file(s, "cloudbuild.yaml", 'steps:\n  - name: postgres:15\n    entrypoint: psql\n'
                                  '    args: ["$_DATABASE_URL", "-v", "ON_ERROR_STOP=1", "-f", "db/cleanup.sql"]\n')


def ci_woodpecker(s):
    """Red team H1, CI_WOODPECKER: a Woodpecker step's commands (.woodpecker.yml, and .woodpecker/*.yml)."""
    ci_file(s, ".woodpecker.yml", f"steps:\n  migrate:\n    image: postgres:15\n    commands:\n      - {PSQL}\n")


def ci_woodpecker_folder(s):
    ci_file(s, ".woodpecker/deploy.yaml", f"steps:\n  - name: migrate\n    image: postgres:15\n    commands:\n      - {PSQL}\n")


def ci_platformsh(s):
    """Red team H1, CI_PLATFORMSH: Platform.sh's deploy hook, a shell script run in the application's folder."""
    ci_file(s, ".platform.app.yaml", f"name: app\nhooks:\n  deploy: |\n    {PSQL}\n")


K8S_JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
           "      containers:\n        - name: migrate\n          image: postgres:15\n"
           '          command: ["psql", "$(DATABASE_URL)", "-v", "ON_ERROR_STOP=1", "-f", "{}"]\n')


def ci_k8s_job(s):
    """Red team H1, CI_K8SJOB: a Kubernetes Job's container command (exec form) runs a file by its path
    inside the image: unknown at the command's line, and the repository's db/cleanup.sql it ends with
    is analysed."""
    ci_file(s, "k8s/migrate-job.yaml", K8S_JOB.format("/app/db/cleanup.sql"),
            CLEANUP_FOUND | {("k8s/migrate-job.yaml", "unknown-statement", 12)})


def ci_k8s_job_relative(s):
    """The same Job with a relative path, in the base already: the pull request changes only the SQL
    file, which is analysed."""
    base = dict(INIT)
    base["deploy/k8s/migrate-job.yaml"] = K8S_JOB.format("db/cleanup.sql")
    base["db/cleanup.sql"] = "ANALYZE users;\n"
    gated(s, base, {"db/cleanup.sql": "ANALYZE users;\n" + CLEANUP},
          {("db/cleanup.sql", "delete-without-where", 2), ("db/cleanup.sql", "drop-table", 3)})


def renamed(s, base_files, moves):
    """A repository whose pull request only renames files (`git mv`, content unchanged)."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for old, new in moves.items():
        os.makedirs(os.path.dirname(os.path.join(s.repo, new)), exist_ok=True)
        git(s.repo, "mv", old, new)
    git(s.repo, "commit", "-qm", "rename")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def rename_gated(s, base_files, moves, expected, folder):
    """pr fails with `expected` ((path, rule, line)); `analyze --changed-since main` over `folder`
    counts the renamed file as changed and fails with it too."""
    renamed(s, base_files, moves)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    check(expected in found, f"pr reports {expected}: {sorted(found)}\n{proc.stderr}")
    s.all_requests_valid()
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", "--changed-since", "main", folder)
    check(proc.returncode == 1, f"analyze --changed-since main fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(expected[0] in proc.stdout and expected[1] in proc.stdout, f"analyze reports {expected}:\n{proc.stdout}\n{proc.stderr}")


RESET = "SET lock_timeout = '2s';\nTRUNCATE audit_log;\n"
TABLES = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE audit_log (id bigint PRIMARY KEY, msg text);\n"


def npm_down_rename(s):
    """Red team H2, NPMDOWNREN: node-pg-migrate runs 1700000000001_reset.down.sql as the migration
    named "1700000000001_reset.down" (src/migration.ts: the file's name without its extension); the
    pull request renames it, and node-pg-migrate runs the TRUNCATE again."""
    base = {"package.json": '{"name":"app","private":true,"scripts":{"migrate":"node-pg-migrate up --no-check-order"},'
                            '"dependencies":{"node-pg-migrate":"^7","pg":"^8"}}\n',
            "migrations/1700000000000_init.sql": "-- Up Migration\n" + TABLES + "-- Down Migration\n",
            "migrations/1700000000001_reset.down.sql": "-- Up Migration\n" + RESET + "-- Down Migration\n"}
    rename_gated(s, base, {"migrations/1700000000001_reset.down.sql": "migrations/1700000000001_reset-audit.down.sql"},
                 ("migrations/1700000000001_reset-audit.down.sql", "truncate", 3), "migrations")


def dbmate_down_rename(s):
    """Red team H2, DBMATEDOWNREN: dbmate keys a migration by the digits its name starts with, as text
    (pkg/dbmate/migration.go): 020240102000000_reset.down.sql is a new version, run again."""
    base = {".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=db/migrations\n",
            "db/migrations/20240101000000_init.sql": "-- migrate:up\n" + TABLES + "-- migrate:down\n",
            "db/migrations/20240102000000_reset.down.sql": "-- migrate:up\n" + RESET + "-- migrate:down\n"}
    rename_gated(s, base, {"db/migrations/20240102000000_reset.down.sql": "db/migrations/020240102000000_reset.down.sql"},
                 ("db/migrations/020240102000000_reset.down.sql", "truncate", 3), "db/migrations")


def golang_down_rename_control(s):
    """golang-migrate's down half (000002_x.down.sql runs only on down): renaming its description
    is no new migration; pr passes."""
    base = {"db/schema/000001_init.up.sql": TABLES, "db/schema/000001_init.down.sql": "DROP TABLE users;\n",
            "db/schema/000002_reset.up.sql": "SELECT 1;\n", "db/schema/000002_reset.down.sql": RESET}
    renamed(s, base, {"db/schema/000002_reset.down.sql": "db/schema/000002_reset_audit.down.sql",
                      "db/schema/000002_reset.up.sql": "db/schema/000002_reset_audit.up.sql"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(not any(r == "truncate" for _, r, _ in found), f"the down half's TRUNCATE is not new: {sorted(found)}\n{proc.stderr}")


KNEX_BASE = {"knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n",
             "package.json": '{"name":"app","private":true,"scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
             "migrations/20240101000000_init.js": "exports.up = function (knex) { return knex.raw('CREATE TABLE users (id bigint PRIMARY KEY, "
                                                  "email text)'); };\nexports.down = function () {};\n",
             "migrations/20240301000000_events.js": "exports.up = function (knex) { return knex.raw('CREATE TABLE events (id bigint PRIMARY KEY, "
                                                    "kind text, payload text)'); };\nexports.down = function () {};\n"}
KNEX_LATE = ("exports.up = async function (knex) {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n"
             "  await knex.raw('CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, kind text, payload text)');\n"
             "  await knex.raw('CREATE INDEX events_kind ON events (kind)');\n};\nexports.down = function () {};\n")
LATE = "migrations/20240201000000_events_kind.js"


def late_findings(s, proc):
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check("create-index-without-concurrently" in proc.stdout and "20240201000000_events_kind.js" in proc.stdout,
          f"the index on the existing events is found:\n{proc.stdout}\n{proc.stderr}")


def knex_late_changed_since(s):
    """Red team H2, KNEXLATE: a knex migration named 20240201 added after 20240301 ran: knex runs it
    last (pending migrations, whatever their names), on the events table 20240301 made, so its plain
    CREATE INDEX blocks writes to a table in use. `analyze --changed-since main` replays the
    unchanged migrations, those named after it included, as pr replays the base's."""
    repository(s, KNEX_BASE, {LATE: KNEX_LATE})
    late_findings(s, run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", "--changed-since", "main", "."))


def knex_late_uncommitted(s):
    """The same file not yet committed, analysed alone in the repository: the committed migrations of
    its folder are its history, the later-named one included."""
    repository(s, KNEX_BASE, {"README.md": "app\n"})
    write(os.path.join(s.repo, LATE), KNEX_LATE)
    late_findings(s, run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", LATE))


def analyze_unread(s, head, expected):
    """`analyze --ci --max-risk low .` over a tree with SQL migrations and `head`'s migrations of a tool
    analyze does not read: each is an unknown statement at `expected` ((path, line)), and analyze fails."""
    repository(s, INIT, head)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    for path, line in expected:
        check((path, "unknown-statement", line) in found, f"analyze reports {path}:{line} unknown: {sorted(found)}\n{proc.stderr}")


def analyze_django_beside_sql(s):
    """Red team H1, L_DJANGO: `analyze .` read the SQL migration and left the Django one out in silence."""
    analyze_unread(s, {"shop/migrations/0002_drop.py": "from django.db import migrations\nclass Migration(migrations.Migration):\n"
                                                      "    dependencies = [(\"shop\", \"0001_initial\")]\n"
                                                      "    operations = [migrations.RunSQL(\"DROP TABLE users CASCADE\")]\n"},
                   {("shop/migrations/0002_drop.py", 2)})


def analyze_rails_beside_sql(s):
    """Red team H1, L_RAILS: the same with an ActiveRecord migration, and a Python file that only looks
    like one (an Alembic revision outside any alembic folder)."""
    analyze_unread(s, {"db/migrate/20240201000000_drop_users.rb": "class DropUsers < ActiveRecord::Migration[6.1]\n  def up\n"
                                                                 "    execute \"DROP TABLE users CASCADE\"\n  end\nend\n",
                       "tools/fix_users.py": "from alembic import op\n\ndef upgrade():\n    op.execute('DROP TABLE users')\n"},
                   {("db/migrate/20240201000000_drop_users.rb", 1), ("tools/fix_users.py", 1)})


def analyze_plain_python_control(s):
    """Ordinary Python and Ruby files beside the SQL are no migrations: analyze passes."""
    repository(s, INIT, {"app/main.py": "def main():\n    print('hi')\n", "Rakefile": "task :x\n", "lib/x.rb": "class X; end\n"})
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 0, f"analyze passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")


def psql_include(s):
    """A deploy runs `psql -1 -f db/deploy.sql`, which includes `\\ir changes/cleanup.sql` (psql reads
    that file's SQL there: src/bin/psql/command.c exec_command_include). The pull request changes only
    the included file: pr analyses it; `analyze db/deploy.sql` follows the include too."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: psql \"$DATABASE_URL\" -1 -f db/deploy.sql\n")
    base = dict(INIT)
    base.update({".github/workflows/deploy.yml": workflow, "db/deploy.sql": "\\ir changes/cleanup.sql\n",
                 "db/changes/cleanup.sql": "ANALYZE users;\n"})
    gated(s, base, {"db/changes/cleanup.sql": "ANALYZE users;\n" + CLEANUP},
          {("db/changes/cleanup.sql", "delete-without-where", 2), ("db/changes/cleanup.sql", "drop-table", 3)}, analyze=False)
    proc = run(s, "analyze", "--no-config", "--format", "json", "db/deploy.sql")
    check(proc.returncode in (0, 1), f"analyze db/deploy.sql reads every statement: exit {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    found = {(f["path"], x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]}
    check(("db/changes/cleanup.sql", "drop-table", 3) in found, f"analyze follows the include: {sorted(found)}\n{proc.stderr}")
    # The followed include is no statement of its own (it was one pgfence could not parse, exit 2).
    check(not any(p == "db/deploy.sql" for p, _, _ in found), f"nothing at the include line: {sorted(found)}")


SCENARIOS = {f.__name__: f for f in (psql_include, analyze_django_beside_sql, analyze_rails_beside_sql, analyze_plain_python_control, knex_late_changed_since, knex_late_uncommitted, npm_down_rename, dbmate_down_rename, golang_down_rename_control, ci_buildkite, ci_cloudbuild, ci_woodpecker, ci_woodpecker_folder, ci_platformsh, ci_k8s_job, ci_k8s_job_relative)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
