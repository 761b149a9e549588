"""Plans keep what the migration tool substitutes, and none is offered for a Go library's embedded
migrations (review 89, issue #54). River's `DROP TABLE /* TEMPLATE: schema */river_client_queue`
became the plan step `DROP TABLE IF EXISTS river_client_queue`: rivermigrate substitutes the schema
at the marker (river_migrate.go), so the plan dropped another schema's tables, and the added IF
EXISTS hid the miss. River's migrations are `//go:embed migration/*/*.sql` in a library package: no
user can add a version 008, and the plan notes named golang-migrate, which does not run them.

    test_plan_embedded.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
Scenarios:
  library_embed      River's layout (a module without a main package, its driver package embeds
                     migration/*/*.sql): the plan is declined, naming the //go:embed line; no step, no
                     golang-migrate note
  app_embed_control  an application (package main) embedding its own migrations the same way: the plan
                     is offered, and its later-release DROP is the statement as written, marker and all,
                     with no IF EXISTS the original lacked
  cmd_embed_control  a library module whose cmd/ program embeds the migrations: the plan is offered
  rebuilt_declined   in the application, a DROP of two tables each behind a marker, which the plan builds
                     again table by table: declined, naming the comment
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_review_precision import env, repository  # noqa: E402

INIT = ("CREATE TABLE /* TEMPLATE: schema */jq_job (id bigserial PRIMARY KEY, max_attempts int NOT NULL);\n"
        "CREATE TABLE /* TEMPLATE: schema */jq_client (id text PRIMARY KEY);\n"
        "CREATE TABLE /* TEMPLATE: schema */jq_client_queue (client_id text NOT NULL, name text NOT NULL);\n")
DROPS = ("CREATE TABLE /* TEMPLATE: schema */jq_notification (id bigserial PRIMARY KEY, payload text NOT NULL);\n"
         "DROP TABLE /* TEMPLATE: schema */jq_client_queue;\n"
         "DROP TABLE /* TEMPLATE: schema */jq_client;\n")
TWO = "DROP TABLE /* TEMPLATE: schema */jq_client_queue, /* TEMPLATE: schema */jq_client;\n"
EMBED = 'import "embed"\n\n//go:embed migration/*/*.sql\nvar migrationFS embed.FS\n'


def layout(prefix, sql):
    return {prefix + "migration/main/001_init.up.sql": INIT,
            prefix + "migration/main/001_init.down.sql": "DROP TABLE jq_client_queue, jq_client, jq_job;\n",
            prefix + "migration/main/002_cleanup.up.sql": sql,
            prefix + "migration/main/002_cleanup.down.sql": "DROP TABLE jq_notification;\n"}


LIBRARY = {"go.mod": "module example.com/jobqueue\n\ngo 1.22\n",
           "client.go": "package jobqueue\n\nfunc Start() {}\n",
           "driver/pgx/go.mod": "module example.com/jobqueue/driver/pgx\n\ngo 1.22\n",
           "driver/pgx/driver.go": "// Package pgx is the driver.\npackage pgx\n\n" + EMBED,
           **layout("driver/pgx/", DROPS)}
APP = {"go.mod": "module example.com/app\n\ngo 1.22\n",
       "main.go": "package main\n\nfunc main() {}\n",
       "internal/db/db.go": "package db\n\n" + EMBED}
PATH = "driver/pgx/migration/main/002_cleanup.up.sql"
APP_PATH = "internal/db/migration/main/002_cleanup.up.sql"


def plan_of(s, path):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", path],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    files = [f for f in json.loads(proc.stdout)["files"] if os.path.normpath(f["path"]) == path]
    check(len(files) == 1, f"one report for {path}: {proc.stdout[:400]}")
    return files[0].get("plan") or {}


def sql_lines(steps):
    return [ln for st in steps for ln in st.get("sql", "").splitlines() if not ln.lstrip().startswith("--")]


def offered_with_markers(s, path):
    plan = plan_of(s, path)
    steps = plan.get("steps") or []
    check(not plan.get("declined") and steps, f"the plan is offered: {json.dumps(plan)[:1500]}")
    lines = sql_lines(steps)
    for table in ("jq_client_queue", "jq_client"):
        check(f"DROP TABLE /* TEMPLATE: schema */{table};" in lines,
              f"the later-release DROP of {table} is the statement as written, marker kept: {lines}")
    check(not any("IF EXISTS" in ln.upper() for ln in lines), f"no IF EXISTS the original lacked: {lines}")


def library_embed(s):
    repository(s, LIBRARY)
    plan = plan_of(s, PATH)
    why = plan.get("declined") or ""
    check("embedded in a library" in why and "driver/pgx/driver.go:6 //go:embed migration/*/*.sql" in why,
          f"declined, naming the //go:embed line: {json.dumps(plan)[:1500]}")
    check("collide with the library's next release" in why, f"the decline says why: {why}")
    check(not plan.get("steps"), f"no step: {plan.get('steps')}")
    check(not any("golang-migrate" in n for n in plan.get("notes") or []), f"no golang-migrate note: {plan.get('notes')}")


def app_embed_control(s):
    repository(s, {**APP, **layout("internal/db/", DROPS)})
    offered_with_markers(s, APP_PATH)


def cmd_embed_control(s):
    files = {k: v for k, v in LIBRARY.items() if not k.startswith("driver/")}
    files["cmd/jq/main.go"] = "package main\n\n" + EMBED
    files.update(layout("cmd/jq/", DROPS))
    # The module has a program (cmd/jq): not a library's embed.
    repository(s, files)
    offered_with_markers(s, "cmd/jq/migration/main/002_cleanup.up.sql")


def rebuilt_declined(s):
    repository(s, {**APP, **layout("internal/db/", TWO)})
    plan = plan_of(s, APP_PATH)
    why = plan.get("declined") or ""
    check("holds a comment (`/* TEMPLATE: schema */`)" in why and "line 1" in why and "does not rebuild it" in why,
          f"declined, naming the comment: {json.dumps(plan)[:1500]}")
    check(not plan.get("steps"), f"no step: {plan.get('steps')}")


SCENARIOS = {"library_embed": library_embed, "app_embed_control": app_embed_control,
             "cmd_embed_control": cmd_embed_control, "rebuilt_declined": rebuilt_declined}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
