#!/usr/bin/env python3
"""The runner's transaction is part of the proof (issue #54, outside DBA's memos plan P8).

memos' own runner (store/migrator.go) runs every pending file of every version in one
transaction; pgfence detects no tool there and reads the files as plain SQL. A plan that puts a
view in memo's place in one migration and swaps it back in a later one made the next version's
`ALTER TABLE memo ADD COLUMN tags` hit the view, and the whole upgrade roll back.

- memos layout (no tool): the rename's plan is declined with "pgfence does not know how the
  project's runner runs these files", in analyze's JSON and text and in trace --plan's verdict;
  a plan that needs a step outside a transaction (an index built CONCURRENTLY) is declined
  ("the tool that runs ... is not known": memos' runner would fail it).
- the same rename in a goose folder (the tool, and so its wrapping, known): not declined for that.

usage: unknown_runner_test.py PGFENCE"""
import glob
import json
import os
import subprocess
import sys
import tempfile

UNKNOWN = "pgfence does not know how the project's runner runs these files"
MEMOS = {
    "store/migration/postgres/0.20/00__init.sql":
    "CREATE TABLE memo (id serial PRIMARY KEY, resource_name text NOT NULL, content text NOT NULL);\n",
    "store/migration/postgres/0.21/01__rename_uid.sql": "ALTER TABLE memo RENAME COLUMN resource_name TO uid;\n",
    "store/migration/postgres/0.22/01__memo_tags.sql":
    "ALTER TABLE memo ADD COLUMN tags jsonb NOT NULL DEFAULT '[]';\nCREATE INDEX memo_content_idx ON memo (content);\n",
}
GOOSE = {
    "db/migrations/00001_init.sql": "-- +goose Up\n"
    "CREATE TABLE memo (id serial PRIMARY KEY, resource_name text NOT NULL, content text NOT NULL);\n"
    "-- +goose Down\nDROP TABLE memo;\n",
    "db/migrations/00002_rename_uid.sql": "-- +goose Up\nALTER TABLE memo RENAME COLUMN resource_name TO uid;\n"
    "-- +goose Down\nALTER TABLE memo RENAME COLUMN uid TO resource_name;\n",
}


def write_case(root, files):
    for rel, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)


def run(binary, root, *args):
    env = dict(os.environ)
    env["PATH"] = "/usr/lib/postgresql/15/bin:" + env.get("PATH", "")
    return subprocess.run([binary, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)


def plans(binary, root, folder):
    doc = json.loads(run(binary, root, "analyze", "--no-config", "--format", "json", folder).stdout)
    return {f["path"]: f.get("plan") or {} for f in doc["files"]}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with_server = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    problems = []
    folder = "store/migration/postgres"
    with tempfile.TemporaryDirectory() as root:
        write_case(root, MEMOS)
        got = plans(binary, root, folder)
        rename = got.get(folder + "/0.21/01__rename_uid.sql", {})
        if UNKNOWN not in (rename.get("declined") or "") or "view" not in (rename.get("declined") or ""):
            problems.append(f"memos: the view-swap plan is not declined for the unknown runner: {json.dumps(rename)[:800]}")
        # A step outside a transaction (the index built CONCURRENTLY) under a runner nobody knows:
        # declined, since memos' runner wraps files in a transaction (stranger review 88, fider).
        tags = got.get(folder + "/0.22/01__memo_tags.sql", {})
        why = tags.get("declined") or ""
        if "is not known" not in why or "cannot prove a plan deploys" not in why or tags.get("steps"):
            problems.append(f"memos: the plan with a CONCURRENTLY step is not declined for the unknown runner: {json.dumps(tags)[:800]}")
        text = run(binary, root, "analyze", "--no-config", "--format", "text", folder).stdout
        if UNKNOWN not in text:
            problems.append("memos: analyze's text does not say pgfence does not know the runner:\n" + text[-1500:])
        if with_server:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                run(binary, root, "trace", "--plan", "--format", "json", "-o", out.name, folder)
                try:
                    doc = json.load(open(out.name))
                except (OSError, json.JSONDecodeError):
                    doc = {}
            p = next((p for p in doc.get("plans", []) if p["path"].endswith("0.21/01__rename_uid.sql")), {})
            v = p.get("verdict") or {}
            if v.get("result") != "declined" or UNKNOWN not in v.get("reason", ""):
                problems.append(f"memos: trace --plan's verdict: {v}")
    with tempfile.TemporaryDirectory() as root:
        write_case(root, GOOSE)
        rename = plans(binary, root, "db/migrations").get("db/migrations/00002_rename_uid.sql", {})
        if UNKNOWN in (rename.get("declined") or "") or any(n.startswith(UNKNOWN) for n in rename.get("notes", [])):
            problems.append(f"goose: a known tool's plan is declined or noted as of an unknown runner: {json.dumps(rename)[:800]}")
    for p in problems:
        print("FAIL " + p)
    if problems:
        return 1
    print("ok" + ("" if with_server else " (composer only: no PostgreSQL to rehearse on)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
