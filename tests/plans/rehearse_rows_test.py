#!/usr/bin/env python3
"""A plan is proven only if it deployed with rows in the tables it touches (issue #54).

Each case is a small migration folder in its tool's layout, analysed with `pgfence analyze`
(the composer) and, where PostgreSQL is installed, rehearsed with `pgfence trace --plan` (the
oracle):

- required_column (golang-migrate, ente's `4_update_subscriptions_schema`): ADD COLUMN ... NOT
  NULL without a DEFAULT only runs on an empty table. The plan used to keep it as written, was
  rehearsed on the table without rows and called proven; it is declined, with the reason, in
  analyze's text and JSON and in trace's verdict.
- constant_unique (goose, lemmy's `replaceable-schema`): a unique index over a constant runs only
  while the table has at most one row. The rehearsal seeds rows anyway: never "proven" on empty
  tables, and the reason says the migration fails on a table with rows.

usage: rehearse_rows_test.py PGFENCE"""
import glob
import json
import os
import subprocess
import sys
import tempfile

DECLINE = "the migration fails on a table with rows: ADD COLUMN plan_type ... NOT NULL without DEFAULT on subscriptions"
FAILS_ON_ROWS = "the migration fails on a table with rows"

CASES = {
    "required_column": {
        "migrations/1_init.up.sql": "CREATE TABLE subscriptions (user_id bigint PRIMARY KEY, storage bigint NOT NULL);\n",
        "migrations/1_init.down.sql": "DROP TABLE subscriptions;\n",
        "migrations/2_update_subscriptions_schema.up.sql":
        "ALTER TABLE subscriptions ADD COLUMN plan_type TEXT NOT NULL;\n"
        "CREATE INDEX subscriptions_plan_type_idx ON subscriptions (plan_type);\n",
        "migrations/2_update_subscriptions_schema.down.sql": "ALTER TABLE subscriptions DROP COLUMN plan_type;\n",
        "main.go": 'package main\n\nimport _ "github.com/golang-migrate/migrate/v4"\n',
    },
    "constant_unique": {
        "db/migrations/00001_init.sql": "-- +goose Up\n"
        "CREATE TABLE site_aggregates (id serial PRIMARY KEY, site_id int NOT NULL, users bigint NOT NULL DEFAULT 1);\n"
        "-- +goose Down\nDROP TABLE site_aggregates;\n",
        "db/migrations/00002_singleton.sql": "-- +goose Up\n"
        "CREATE UNIQUE INDEX site_aggregates_singleton ON site_aggregates ((TRUE));\n"
        "-- +goose Down\nDROP INDEX site_aggregates_singleton;\n",
    },
}


def write_case(root, files):
    for rel, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)


def run(binary, root, *args, timeout=120):
    env = dict(os.environ)
    env["PATH"] = "/usr/lib/postgresql/15/bin:" + env.get("PATH", "")
    return subprocess.run([binary, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def trace(binary, root, folder):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        proc = run(binary, root, "trace", "--plan", "--format", "json", "-o", out.name, folder, timeout=600)
        try:
            with open(out.name) as f:
                return json.load(f)
        except (json.JSONDecodeError, OSError):
            raise SystemExit(f"trace gave no report (exit {proc.returncode}): {proc.stderr[-600:]}")


def check_required_column(binary, root, problems, with_server):
    path = "migrations/2_update_subscriptions_schema.up.sql"
    doc = json.loads(run(binary, root, "analyze", "--no-config", "--format", "json", "migrations").stdout)
    plan = next((f.get("plan") for f in doc["files"] if f["path"].endswith(path)), None) or {}
    if DECLINE not in (plan.get("declined") or ""):
        problems.append(f"required_column: analyze's JSON plan is not declined with the reason: {json.dumps(plan)[:800]}")
    text = run(binary, root, "analyze", "--no-config", "--format", "text", "migrations").stdout
    if DECLINE not in text:
        problems.append("required_column: analyze's text does not say why the plan is declined:\n" + text[-1500:])
    if not with_server:
        return
    doc = trace(binary, root, "migrations")
    p = next((p for p in doc.get("plans", []) if p["path"].endswith(path)), None)
    verdict = (p or {}).get("verdict") or {}
    if verdict.get("result") != "declined" or DECLINE not in verdict.get("reason", ""):
        problems.append(f"required_column: rehearsed: {verdict}")
    text = run(binary, root, "trace", "--plan", "migrations", timeout=600).stdout
    if "verdict: declined: line 1: " + DECLINE not in text or "verdict: proven" in text:
        problems.append("required_column: trace's text does not decline the plan with the reason:\n" + text[-2000:])


def check_constant_unique(binary, root, problems, with_server):
    if not with_server:
        return
    path = "db/migrations/00002_singleton.sql"
    doc = trace(binary, root, "db/migrations")
    p = next((p for p in doc.get("plans", []) if p["path"].endswith(path)), None)
    if p is None:
        problems.append(f"constant_unique: no plan rehearsed: {[q['path'] for q in doc.get('plans', [])]}")
        return
    verdict = p.get("verdict") or {}
    seeded = " ".join(p.get("seeded", []))
    if verdict.get("result") == "proven" or not verdict.get("reason", "").startswith(FAILS_ON_ROWS):
        problems.append(f"constant_unique: a file that fails on rows got verdict {verdict} (rows: {seeded})")
    if "site_aggregates" not in seeded or "none:" in seeded:
        problems.append(f"constant_unique: the plan was not rehearsed with rows in site_aggregates: {seeded}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with_server = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    problems = []
    checks = {"required_column": check_required_column, "constant_unique": check_constant_unique}
    for name, files in CASES.items():
        with tempfile.TemporaryDirectory() as root:
            write_case(root, files)
            checks[name](binary, root, problems, with_server)
    for p in problems:
        print("FAIL " + p)
    if problems:
        return 1
    print(f"ok: {len(CASES)} cases" + ("" if with_server else " (composer only: no PostgreSQL to rehearse on)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
