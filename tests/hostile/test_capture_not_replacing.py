"""`pgfence pr --capture` never hides what pgfence's own reading of a migration found (red team R83
F3, issue #53).

A capture is one run of the migrate command on pgfence's new, empty database: one path through the
migration's code. `pr --capture` used to report each captured migration *in place of* what pgfence
read from its file, so a Knex migration that drops `orders` only when it holds rows lost its HIGH
drop-table (the capture ran on no rows), and a Django RunPython guarded by `Order.objects.exists()`
passed as "No risky statements". Now a file pgfence reads itself keeps its reading and the capture
adds what it saw beside it; a Rails, Django or Alembic file is judged by what it sent, but its code
that branches (RunPython, an `if`) stays an unknown statement at its line; and the caveat ("one run,
on an empty database") is said on standard error, in the check run and in the comment.

The captures are made with the real tools: knex 3.1 and pg 8.11 from npm (PGFENCE_TEST_NODE_MODULES,
or installed once into /tmp/pgfence-test-npm), Django 3.2 and psycopg2 from Debian (/usr/bin/python3);
without them a scenario is skipped (77).

    test_capture_not_replacing.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_link_targets import repository  # noqa: E402
from test_tool_reach import check_run, pr_findings  # noqa: E402
from real_tools import PYTHON, SKIP, node_modules, run_capture  # noqa: E402

NPM_PREFIX = "/tmp/pgfence-test-npm"
CAVEAT = "on an empty database"

# -- knex -------------------------------------------------------------------------------------

KNEX_BASE = {
    ".gitignore": "node_modules\n",
    "package.json": '{"name":"app","private":true,"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
    "knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n',
    "migrations/20240101000000_init.js": 'exports.up = async function (knex) {\n  await knex.raw("CREATE TABLE orders (id bigint PRIMARY KEY)");\n};\n'
                                         'exports.down = async function () {};\n',
}
# Drops orders only when it has rows: knex on the empty capture database never sends the DROP.
KNEX_ARCHIVE = ("exports.up = async function (knex) {\n"
                '  const { rows } = await knex.raw("SELECT count(*)::int AS n FROM orders");\n'
                "  if (rows[0].n > 0) {\n"
                '    await knex.raw("DROP TABLE orders");\n'
                "  }\n"
                "};\n"
                "exports.down = async function () {};\n")
# A statement built at run time (pgfence's reading: unknown at line 3) that the capture sees.
KNEX_BUILT = ("exports.up = async function (knex) {\n"
              '  const table = ["ord", "ers"].join("");\n'
              '  await knex.raw("CREATE INDEX orders_id_again ON " + table + " (id)");\n'
              "};\n"
              "exports.down = async function () {};\n")


def capture(s, *command, extra_env=None):
    """`pgfence capture --record` of `command` in the head checkout (pgfence's throwaway server)."""
    proc, record = run_capture(s, command, extra_env)
    check(proc.returncode == 0, f"capture: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    return record


def knex_pull_request(s, head):
    repository(s, KNEX_BASE, {}, head)
    os.symlink(node_modules(NPM_PREFIX, ["knex@3.1.0", "pg@8.11.0"], "knex/bin/cli.js"), os.path.join(s.repo, "node_modules"))
    record = capture(s, "node", "node_modules/knex/bin/cli.js", "migrate:latest")
    s.start_double()
    return s.run_pr("--capture", record, "--ci", "--unknown", "block", "--max-risk", "low",
                    "--format", f"json={os.path.join(s.tmp, 'pr.json')}")


def caveat_said(s, proc):
    check(CAVEAT in proc.stderr, f"pr says the capture's caveat:\n{proc.stderr[-1500:]}")
    run = check_run(s)
    check(CAVEAT in json.dumps(run.get("output", {})), f"the check run says the caveat: {run.get('output', {}).get('summary', '')[:600]}")
    comments = [r for r in s.requests() if r["method"] in ("POST", "PATCH") and "/comments" in r["path"] and "body" in (r.get("body") or {})]
    check(any(CAVEAT in r["body"]["body"] for r in comments), f"the comment says the caveat: {[r['path'] for r in comments]}")
    return run


def knex_static_kept(s):
    """F3a: pgfence reads the Knex file and finds `DROP TABLE orders` at line 4; the capture (no rows,
    no DROP) leaves that finding in place and pr fails."""
    path = "migrations/20240102000000_archive.js"
    proc = knex_pull_request(s, {path: KNEX_ARCHIVE})
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check((path, "drop-table", 4) in found, f"the DROP TABLE pgfence read stays at line 4: {sorted(found)}")
    run = caveat_said(s, proc)
    check(run.get("conclusion") == "failure", f"the check run fails: {run.get('conclusion')}")
    s.all_requests_valid()


def knex_capture_adds(s):
    """The Knex file's CREATE INDEX is built at run time: pgfence's reading has an unknown statement at
    line 3, the capture saw the CREATE INDEX. Both are reported."""
    path = "migrations/20240102000000_index.js"
    proc = knex_pull_request(s, {path: KNEX_BUILT})
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check((path, "unknown-statement", 3) in found, f"the reading's unknown at line 3 stays: {sorted(found)}")
    check(any(p == path and rule == "create-index-without-concurrently" for p, rule, _ in found),
          f"what the capture saw is reported too: {sorted(found)}")
    caveat_said(s, proc)


# -- Django -----------------------------------------------------------------------------------

DJANGO_BASE = {
    "manage.py": 'import os, sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
                 "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n",
    "proj/__init__.py": "",
    "proj/settings.py": 'import os\nSECRET_KEY = "x"\nINSTALLED_APPS = ["shop"]\nUSE_TZ = True\n'
                        'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ.get("PGDATABASE"), '
                        '"HOST": os.environ.get("PGHOST"), "PORT": os.environ.get("PGPORT"), "USER": os.environ.get("PGUSER"), '
                        '"PASSWORD": os.environ.get("PGPASSWORD", "")}}\n',
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\nclass Order(models.Model):\n    total = models.BigIntegerField()\n",
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": "from django.db import migrations, models\nclass Migration(migrations.Migration):\n"
                                       "    initial = True\n    dependencies = []\n"
                                       '    operations = [migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), '
                                       '("total", models.BigIntegerField())])]\n',
}
DJANGO_ARCHIVE = ("from django.db import migrations\n"
                  "\n"
                  "def archive(apps, schema_editor):\n"
                  '    Order = apps.get_model("shop", "Order")\n'
                  "    if Order.objects.exists():  # only a database that has orders needs archiving\n"
                  '        schema_editor.execute("DROP TABLE shop_order CASCADE")\n'
                  "\n"
                  "class Migration(migrations.Migration):\n"
                  '    dependencies = [("shop", "0001_initial")]\n'
                  "    operations = [migrations.RunPython(archive, migrations.RunPython.noop)]\n")
DJANGO_NOTE = ("from django.db import migrations, models\n"
               "class Migration(migrations.Migration):\n"
               '    dependencies = [("shop", "0001_initial")]\n'
               '    operations = [migrations.AddField(model_name="order", name="note", field=models.TextField(null=True))]\n')


def django_pull_request(s, head, max_risk="low"):
    probe = subprocess.run([PYTHON, "-c", "import django, psycopg2"], capture_output=True)
    if probe.returncode != 0:
        print("SKIP: python3-django or python3-psycopg2 is not installed")
        sys.exit(SKIP)
    repository(s, DJANGO_BASE, {}, head)
    record = capture(s, PYTHON, "manage.py", "migrate", "--noinput")
    s.start_double()
    return s.run_pr("--capture", record, "--ci", "--unknown", "block", "--max-risk", max_risk,
                    "--format", f"json={os.path.join(s.tmp, 'pr.json')}")


def django_runpython_branch(s):
    """F3b: the capture of a RunPython that drops shop_order only when it has rows sent no DROP; the
    RunPython (line 10) and its `if` (line 5) stay unknown statements, and pr fails."""
    path = "shop/migrations/0002_archive.py"
    proc = django_pull_request(s, {path: DJANGO_ARCHIVE})
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check((path, "unknown-statement", 10) in found, f"the RunPython is unknown at line 10: {sorted(found)}")
    check((path, "unknown-statement", 5) in found, f"the `if` is unknown at line 5: {sorted(found)}")
    run = caveat_said(s, proc)
    check(run.get("conclusion") == "failure", f"the check run fails: {run.get('conclusion')}")
    s.all_requests_valid()


def django_plain(s):
    """Control: a nullable AddField with no code that branches is judged from what Django sent: no
    unknown statement, pr passes (its lock-timeout-missing is MEDIUM); the check run says the caveat
    and is neutral, not success."""
    path = "shop/migrations/0002_order_note.py"
    proc = django_pull_request(s, {path: DJANGO_NOTE}, max_risk="medium")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check(not any(rule == "unknown-statement" for _, rule, _ in found), f"no unknown statement: {sorted(found)}")
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    check(any(f["path"] == path and any("ADD COLUMN" in x["sql"].upper() for x in f["statements"]) for f in report["files"]),
          "the captured ALTER TABLE is reported at the file")
    run = caveat_said(s, proc)
    check(run.get("conclusion") == "neutral", f"the check run is neutral: {run.get('conclusion')}")


SCENARIOS = {f.__name__: f for f in (knex_static_kept, knex_capture_adds, django_runpython_branch, django_plain)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
