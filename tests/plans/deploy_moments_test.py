#!/usr/bin/env python3
"""Plans hold at every moment of the deploy, releases included (issue #54, sections 2 and 3).

Each case is a realistic migration folder in its tool's layout, analysed with
`pgfence analyze --format json` (the composer) and, where PostgreSQL is installed, rehearsed with
`pgfence trace --plan --format json` (the oracle):

- fill_then_not_null (goose): add a column, fill it with a DO-block loop, SET NOT NULL. Split into
  three migrations, the old release's inserts between the fill and the SET NOT NULL leave NULLs
  and the deploy stops half-way ("contains null values"). The plan keeps the NOT NULL with the
  fill (one migration) or declines; rehearsed, it is proven or declined, never a failed step.
- index_concurrently (goose): a plain CREATE INDEX on a table in use. The plan's CREATE INDEX
  CONCURRENTLY is not put under the plan's `SET lock_timeout = '2s'` (under it the build gives up
  whenever any transaction older than 2 s is open, on any table, and leaves an INVALID index), and
  the plan says how to retry (drop the INVALID index first); rehearsed, it is proven.
- release_before_fill (goose): add accounts.tier, fill it from legacy_tiers, drop legacy_tiers.
  The drop's safe form asks for a release that stops using legacy_tiers; put before the
  migrations (as it was), the new code reads a column that does not exist yet and the rows it
  writes meanwhile never get their tier. No release step may precede the ADD COLUMN or the fill:
  the plan orders by that or declines.
- release_between (goose): an index and a DROP TABLE. The release comes between the index's
  migration and the drop: the verdict says "proven for the database steps; your release must come
  between steps 1 and 3, and must ..." in text and JSON, never plainly "proven"; and every output
  that shows a verdict says what was proven and what was not (trace text and JSON: PostgreSQL
  version, the tool's execution, the traffic, the release order, application semantics and data
  shapes not covered; analyze's note and the plan folder's README: what a rehearsal covers).

- drops_after_release (goose; the DBA review dba70, atuin's remove-email-verification): a table
  and a column of another table dropped. The table's drop waits for the release that stops using
  it; the column's drop was left before that release, so the old release's reads and writes of it
  failed from the first migration on. Both wait for the release now; rehearsed, it is proven.

usage: deploy_moments_test.py PGFENCE"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77

CASES = {
    "fill_then_not_null": {
        "db/migrations/00001_init.sql": "-- +goose Up\n"
        "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, legacy_tier text);\n"
        "-- +goose Down\nDROP TABLE accounts;\n",
        "db/migrations/00002_account_plan.sql": """-- +goose Up
ALTER TABLE accounts ADD COLUMN plan text;
-- +goose StatementBegin
DO $$
DECLARE last_id bigint := 0;
BEGIN
  LOOP
    UPDATE accounts SET plan = coalesce(legacy_tier, 'free')
     WHERE id IN (SELECT id FROM accounts WHERE id > last_id ORDER BY id LIMIT 1000);
    EXIT WHEN NOT FOUND;
    SELECT max(id) INTO last_id FROM accounts WHERE plan IS NOT NULL;
  END LOOP;
END $$;
-- +goose StatementEnd
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
-- +goose Down
ALTER TABLE accounts DROP COLUMN plan;
""",
    },
    "index_concurrently": {
        "db/migrations/00001_init.sql": "-- +goose Up\n"
        "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, total numeric(12,2) NOT NULL DEFAULT 0);\n"
        "-- +goose Down\nDROP TABLE orders;\n",
        "db/migrations/00002_orders_customer_idx.sql": "-- +goose Up\n"
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n"
        "-- +goose Down\nDROP INDEX orders_customer_id_idx;\n",
    },
    "release_before_fill": {
        "db/migrations/00001_init.sql": "-- +goose Up\n"
        "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n"
        "CREATE TABLE legacy_tiers (account_id bigint PRIMARY KEY REFERENCES accounts (id), tier text NOT NULL);\n"
        "-- +goose Down\nDROP TABLE legacy_tiers;\nDROP TABLE accounts;\n",
        "db/migrations/00002_move_tier.sql": "-- +goose Up\n"
        "ALTER TABLE accounts ADD COLUMN tier text;\n"
        "UPDATE accounts SET tier = l.tier FROM legacy_tiers l WHERE l.account_id = accounts.id;\n"
        "DROP TABLE legacy_tiers;\n"
        "-- +goose Down\nALTER TABLE accounts DROP COLUMN tier;\n",
    },
    "release_between": {
        "db/migrations/00001_init.sql": "-- +goose Up\n"
        "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n"
        "CREATE TABLE signup_events (id bigserial PRIMARY KEY, account_id bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());\n"
        "-- +goose Down\nDROP TABLE signup_events;\nDROP TABLE accounts;\n",
        "db/migrations/00002_drop_signup_events.sql": "-- +goose Up\n"
        "CREATE INDEX accounts_email_idx ON accounts (email);\n"
        "DROP TABLE signup_events;\n"
        "-- +goose Down\nDROP INDEX accounts_email_idx;\n",
    },
    "drops_after_release": {
        "db/migrations/00001_init.sql": "-- +goose Up\n"
        "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, verified_at timestamptz);\n"
        "CREATE TABLE user_verification_token (id bigserial PRIMARY KEY, user_id bigint NOT NULL, token text NOT NULL);\n"
        "-- +goose Down\nDROP TABLE user_verification_token;\nDROP TABLE users;\n",
        "db/migrations/00002_remove_email_verification.sql": "-- +goose Up\n"
        "drop table if exists user_verification_token;\n"
        "alter table users drop column if exists verified_at;\n",
    },
}


def write_case(root, files):
    for rel, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)


def analyze(binary, root, folder):
    proc = subprocess.run([binary, "analyze", "--no-config", "--format", "json", folder], cwd=root,
                          capture_output=True, timeout=120)
    doc = json.loads(proc.stdout)
    return {f["path"]: f.get("plan") for f in doc["files"]}


def trace(binary, root, folder):
    env = dict(os.environ)
    env["PATH"] = "/usr/lib/postgresql/15/bin:" + env.get("PATH", "")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        proc = subprocess.run([binary, "trace", "--plan", "--format", "json", "-o", out.name, folder], cwd=root, env=env,
                              capture_output=True, timeout=600)
        try:
            with open(out.name) as f:
                return json.load(f)
        except (json.JSONDecodeError, OSError):
            raise SystemExit(f"trace gave no report (exit {proc.returncode}): {proc.stderr.decode(errors='replace')[-600:]}")


def check_fill_then_not_null(binary, root, problems, with_server):
    plans = analyze(binary, root, "db/migrations")
    plan = plans.get("db/migrations/00002_account_plan.sql")
    if plan and not plan.get("declined"):
        steps = plan["steps"]
        fill = [i for i, s in enumerate(steps) if "DO $$" in s["sql"]]
        not_null = [i for i, s in enumerate(steps) if "SET NOT NULL" in s["sql"]]
        if not fill or not not_null or fill != not_null:
            problems.append(f"fill_then_not_null: the DO-block fill (steps {fill}) and the SET NOT NULL (steps {not_null}) "
                            "are in different migrations: the old release's inserts between them make the deploy stop")
    if not with_server:
        return
    doc = trace(binary, root, "db/migrations")
    for p in doc.get("plans", []):
        result = (p.get("verdict") or {}).get("result")
        failed = [s for s in p["steps"] if not s["ok"]]
        if result not in ("proven", "declined") or failed:
            problems.append(f"fill_then_not_null: rehearsed: verdict {result}, failed steps "
                            f"{[(s['title'], s['outcome']) for s in failed]}: {(p.get('verdict') or {}).get('reason', '')[:300]}")


def check_index_concurrently(binary, root, problems, with_server):
    plans = analyze(binary, root, "db/migrations")
    plan = plans.get("db/migrations/00002_orders_customer_idx.sql")
    if not plan or plan.get("declined"):
        problems.append(f"index_concurrently: no plan: {plan and plan.get('declined')}")
        return
    builds = [s for s in plan["steps"] if "CREATE INDEX CONCURRENTLY" in s["sql"]]
    if not builds:
        problems.append("index_concurrently: the plan builds no index CONCURRENTLY")
    for step in builds:
        for value, unit in re.findall(r"lock_timeout\s*=\s*'(\d+)\s*(ms|s)?'", step["sql"]):
            ms = int(value) * (1 if unit == "ms" else 1000)
            if ms < 60000:
                problems.append(f"index_concurrently: {step['path']} builds the index under lock_timeout {value}{unit}: it gives up "
                                "whenever a transaction older than that is open and leaves an INVALID index")
    retry = [n for n in plan.get("notes", []) if "INVALID" in n and "DROP INDEX CONCURRENTLY IF EXISTS" in n]
    if not retry and not all("DROP INDEX CONCURRENTLY IF EXISTS" in s["sql"] for s in builds):
        problems.append("index_concurrently: the plan does not say how to retry (drop the INVALID index first)")
    if not with_server:
        return
    doc = trace(binary, root, "db/migrations")
    for p in doc.get("plans", []):
        result = (p.get("verdict") or {}).get("result")
        if result != "proven" or any(not s["ok"] for s in p["steps"]):
            problems.append(f"index_concurrently: rehearsed: {result}: {(p.get('verdict') or {}).get('reason', '')[:300]}")


def check_release_before_fill(binary, root, problems, with_server):
    plans = analyze(binary, root, "db/migrations")
    plan = plans.get("db/migrations/00002_move_tier.sql")
    if not plan or plan.get("declined"):
        return
    release = next((i for i, s in enumerate(plan["steps"]) if "application release" in s["title"]), None)
    if release is None:
        return
    for step in plan["steps"][release + 1:]:
        if "ADD COLUMN" in step["sql"] or ("UPDATE" in step["sql"] and "legacy_tiers" in step["sql"].split("UPDATE", 1)[1]):
            problems.append(f"release_before_fill: the release that stops using legacy_tiers ({plan['steps'][release]['title']!r}) "
                            f"precedes {step['title']!r}, whose column or fill the new release needs")


def check_release_between(binary, root, problems, with_server):
    path = "db/migrations/00002_drop_signup_events.sql"
    proc = subprocess.run([binary, "analyze", "--no-config", "--format", "text", "db/migrations"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    if "never the application's semantics" not in proc.stdout:
        problems.append("release_between: analyze's plan note does not say what a rehearsal covers:\n" + proc.stdout[-1500:])
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "analyze", "--no-config", "--format", "plan", "-o", out, "db/migrations"], cwd=root,
                       capture_output=True, timeout=120)
        readme = os.path.join(out, "pgfence-plan.README.md")
        text = open(readme).read() if os.path.exists(readme) else ""
        if "what \"proven\" then covers" not in text or "application's semantics" not in text:
            problems.append("release_between: the plan folder's README does not say what proven covers:\n" + text[:1500])
    if not with_server:
        return
    doc = trace(binary, root, "db/migrations")
    plan = next((p for p in doc.get("plans", []) if p["path"].endswith(path)), None)
    verdict = (plan or {}).get("verdict") or {}
    if verdict.get("result") != "proven":
        problems.append(f"release_between: rehearsed: {verdict}")
        return
    label = verdict.get("label", "")
    if not label.startswith("proven for the database steps; your release must come between steps 1 and 3, and must be code "
                            "that no longer reads or writes signup_events"):
        problems.append(f"release_between: the JSON verdict does not say where the release goes: label {label!r}")
    scope = verdict.get("scope") or {}
    if not (scope.get("postgresql", "").startswith("PostgreSQL 15") and "goose" in scope.get("execution", "")
            and "old release" in scope.get("traffic", "") and "after step" in scope.get("release", "")
            and any("application semantics" in n for n in scope.get("not_covered", []))
            and any("data shapes" in n for n in scope.get("not_covered", []))):
        problems.append(f"release_between: the JSON verdict does not say what was proven and what was not: {scope}")
    env = dict(os.environ)
    env["PATH"] = "/usr/lib/postgresql/15/bin:" + env.get("PATH", "")
    text = subprocess.run([binary, "trace", "--plan", "db/migrations"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=600).stdout
    if ("verdict: proven for the database steps; your release must come between steps 1 and 3" not in text
            or "  proven for: PostgreSQL 15" not in text or "  not proven: application semantics" not in text):
        problems.append("release_between: the text verdict does not say where the release goes and what was proven:\n" + text[-2500:])


def check_drops_after_release(binary, root, problems, with_server):
    path = "db/migrations/00002_remove_email_verification.sql"
    plan = analyze(binary, root, "db/migrations").get(path)
    if not plan or plan.get("declined"):
        return
    steps = plan["steps"]
    release = next((i for i, s in enumerate(steps) if "application release" in s["title"]), None)
    for what in ("drop table if exists user_verification_token", "drop column if exists verified_at"):
        at = next((i for i, s in enumerate(steps) if what in s["sql"].lower() and "application release" not in s["title"]), None)
        if release is None or at is None or at < release:
            problems.append(f"drops_after_release: {what!r} is step {at}, the release step {release}: the old release still "
                            f"uses it before the release: {[(s['title'], s['sql'][-120:]) for s in steps]}")
    if not with_server:
        return
    doc = trace(binary, root, "db/migrations")
    plan = next((p for p in doc.get("plans", []) if p["path"].endswith(path)), None)
    verdict = (plan or {}).get("verdict") or {}
    if verdict.get("result") != "proven" or any(not s["ok"] for s in (plan or {}).get("steps", [])):
        problems.append(f"drops_after_release: rehearsed: {verdict}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with_server = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    problems = []
    checks = {"fill_then_not_null": check_fill_then_not_null, "index_concurrently": check_index_concurrently,
              "release_before_fill": check_release_before_fill, "release_between": check_release_between,
              "drops_after_release": check_drops_after_release}
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
