#!/usr/bin/env python3
"""Plan files are the user's migrations, laid out as the repository is (issue #54, outside DBA).

A real git repository (built with the git CLI) with a golang-migrate folder whose newest file
builds an index and drops a table (ente's `39_drop_file_and_thumbnail_object_keys`): its plan
puts the DROP in a later-release migration (written under later-release/) with a `pgfence-ignore`
line.

- The plan's files carry no pgfence service boilerplate: no "-- Governance: a suppression the
  pull request adds does not lift its policy..." comment above the pgfence-ignore line (in the
  written files, the JSON steps and the text); the plan's notes say it once.
- `--format plan -o DIR` given the folder by its absolute path, from outside the repository,
  writes DIR/<path relative to the repository root> (DIR/db/migrations/...,
  DIR/later-release/db/migrations/...), not DIR/<absolute path>; from inside the repository too.

usage: plan_files_test.py PGFENCE"""
import json
import os
import subprocess
import sys
import tempfile

FILES = {
    "db/migrations/1_init.up.sql": "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n"
    "CREATE TABLE thumbnails (id bigserial PRIMARY KEY, object_key text);\n",
    "db/migrations/1_init.down.sql": "DROP TABLE thumbnails;\nDROP TABLE accounts;\n",
    "db/migrations/2_drop_thumbnails.up.sql": "CREATE INDEX accounts_email_idx ON accounts (email);\nDROP TABLE thumbnails;\n",
    "db/migrations/2_drop_thumbnails.down.sql": "CREATE TABLE thumbnails (id bigserial PRIMARY KEY, object_key text);\n",
    "main.go": 'package main\n\nimport _ "github.com/golang-migrate/migrate/v4"\n',
}
BOILERPLATE = "Governance:"


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def written(out):
    found = {}
    for dirpath, _, names in os.walk(out):
        for n in names:
            full = os.path.join(dirpath, n)
            found[os.path.relpath(full, out)] = open(full, encoding="utf-8", errors="replace").read()
    return found


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    problems = []
    with tempfile.TemporaryDirectory() as top:
        repo = os.path.join(top, "repo")
        for rel, text in FILES.items():
            os.makedirs(os.path.join(repo, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(repo, rel), "w") as f:
                f.write(text)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "init")
        folder = os.path.join(repo, "db", "migrations")
        # The JSON and text: no boilerplate in the plan's SQL, the note once.
        proc = subprocess.run([binary, "analyze", "--no-config", "--plan-merged", "--format", "json", folder], cwd=top,
                              capture_output=True, text=True, timeout=120)
        doc = json.loads(proc.stdout)
        plan = next((f.get("plan") for f in doc["files"] if f["path"].endswith("2_drop_thumbnails.up.sql")), None) or {}
        steps = plan.get("steps") or []
        if not any("pgfence-ignore: drop-table" in s["sql"] for s in steps):
            problems.append(f"the plan has no pgfence-ignore line to test with: {json.dumps(plan)[:1200]}")
        if any(BOILERPLATE in s["sql"] or any(BOILERPLATE in f["text"] for f in s.get("files", [])) for s in steps):
            problems.append("the plan's migration carries the governance boilerplate: " +
                            json.dumps([s["sql"] for s in steps])[:1200])
        said = [n for n in plan.get("notes", []) if "suppression the pull request adds does not lift" in n]
        if len(said) != 1:
            problems.append(f"the plan's notes do not say the governance caveat once: {plan.get('notes')}")
        # --format plan -o DIR from outside the repository, the folder given by its absolute path.
        for cwd in (top, repo):
            with tempfile.TemporaryDirectory() as out:
                proc = subprocess.run([binary, "analyze", "--no-config", "--plan-merged", "--format", "plan", "-o", out, folder],
                                      cwd=cwd, capture_output=True, text=True, timeout=120)
                files = written(out)
                migrations = [p for p in files if p.endswith(".sql")]
                inside = [p for p in migrations if p.startswith(("db/migrations/", "later-release/db/migrations/",
                                                                 "after-out-of-band/db/migrations/", "out-of-band/"))]
                later = [p for p in migrations if p.startswith("later-release/db/migrations/")]
                if "db/migrations/2_drop_thumbnails.up.sql" not in migrations or not later or inside != migrations:
                    problems.append(f"-o from {'outside' if cwd == top else 'inside'} the repository: files not under "
                                    f"DIR/<path in the repository>: {sorted(files)} ({proc.stdout[-600:]} {proc.stderr[-300:]})")
                for p, text in files.items():
                    if p.endswith(".sql") and BOILERPLATE in text:
                        problems.append(f"{p}: the written migration carries the governance boilerplate:\n{text}")
    for p in problems:
        print("FAIL " + p)
    if problems:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
