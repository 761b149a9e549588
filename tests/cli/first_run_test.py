"""A first run on an existing project: `analyze --changed-since REF` reports only the files a branch
changed (the rest of each set is their history), and `--baseline FILE` records today's findings
once so that later runs report only new ones. On real git repositories; the real-history part
copies a migration set of ../shared/corpus into one and skips only that part when it is absent.

    first_run_test.py --binary PATH [--corpus DIR]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402


check = Checks("first_run")


def git(repo, *args):
    subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Runner:
    def __init__(self, binary):
        self.binary = binary

    def __call__(self, cwd, *args):
        p = subprocess.run([self.binary, "analyze", "--no-config", *args], cwd=cwd, capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout, p.stderr

    def json(self, cwd, *args):
        code, out, err = self(cwd, "--format", "json", *args)
        try:
            return code, json.loads(out), err
        except ValueError:
            return code, None, err


def errors(err):
    return [l for l in err.splitlines() if l.startswith("error:")]


def changed_since(run, tmp):
    repo = os.path.join(tmp, "small")
    write(os.path.join(repo, "db/migrations/001_init.sql"), "CREATE TABLE users (id int, email text);\n")
    write(os.path.join(repo, "db/migrations/002_idx.sql"), "CREATE INDEX users_email_idx ON users (email);\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    git(repo, "checkout", "-qb", "feature")
    write(os.path.join(repo, "db/migrations/003_token.sql"), "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "token")
    # An untracked file counts as changed; the committed ones the branch did not touch do not.
    write(os.path.join(repo, "db/migrations/004_more.sql"), "CREATE INDEX users_id_idx ON users (id);\n")
    code, report, err = run.json(repo, "--changed-since", "main", "db/migrations")
    paths = [f["path"] for f in report["files"]] if report else None
    check(code == 0 and paths == ["db/migrations/003_token.sql", "db/migrations/004_more.sql"],
          f"--changed-since main: the branch's files only: {paths} {err}")
    if report:
        rules = sorted(x["rule"] for f in report["files"] for x in f["findings"])
        # users is known from the unchanged 001 (history): the rewrite is certain.
        check("add-column-volatile-default" in rules and "create-index-without-concurrently" in rules,
              f"--changed-since: the findings of the changed files, knowing their history: {rules}")
        check(report["summary"].get("history", {}).get("files", 0) >= 2, f"--changed-since: 001 and 002 replayed: {report['summary']}")
    check("2 of 4 files changed since main" in err, f"--changed-since says what it left out: {err}")
    # An edit to a committed file counts too.
    with open(os.path.join(repo, "db/migrations/002_idx.sql"), "a") as f:
        f.write("-- edited\n")
    code, report, err = run.json(repo, "--changed-since", "main", "db/migrations")
    paths = [f["path"] for f in report["files"]] if report else None
    check(paths is not None and "db/migrations/002_idx.sql" in paths and "db/migrations/001_init.sql" not in paths,
          f"--changed-since: an edited committed file is reported: {paths}")
    # A new file with the content of a committed one is new all the same.
    with open(os.path.join(repo, "db/migrations/002_idx.sql")) as f:
        copied = f.read()
    write(os.path.join(repo, "db/migrations/005_copy.sql"), copied)
    code, report, err = run.json(repo, "--changed-since", "main", "db/migrations")
    paths = [f["path"] for f in report["files"]] if report else []
    check("db/migrations/005_copy.sql" in paths, f"--changed-since: a new file equal to a committed one is reported: {paths}")
    os.remove(os.path.join(repo, "db/migrations/005_copy.sql"))
    # Errors: one line, exit 2.
    code, out, err = run(repo, "--changed-since", "origin/main", "db/migrations")
    check(code == 2 and len(errors(err)) == 1 and "--changed-since main" in err, f"no origin: says to name a local branch: {err}")
    code, out, err = run(repo, "--changed-since", "no-such-branch", "db/migrations")
    check(code == 2 and len(errors(err)) == 1 and "--changed-since" in errors(err)[0], f"unknown REF: {code} {err}")
    outside = os.path.join(tmp, "not-a-repo")
    write(os.path.join(outside, "001.sql"), "CREATE INDEX i ON t (x);\n")
    code, out, err = run(outside, "--changed-since", "main", ".")
    check(code == 2 and len(errors(err)) == 1 and "not a git repository" in err, f"not a repository: {code} {err}")


def real_history(run, tmp, corpus):
    """A real project's history: the newest file of one set is the branch's new migration."""
    source = os.path.join(corpus, "hatchet-dev__hatchet", "cmd/hatchet-migrate/migrate/migrations")
    if not os.path.isdir(source):
        print("skip: no ../shared/corpus: the real-history part of --changed-since is not run")
        return
    repo = os.path.join(tmp, "real")
    target = os.path.join(repo, "migrations")
    shutil.copytree(source, target)
    names = sorted(os.listdir(target))
    tables = []
    for name in names:
        with open(os.path.join(target, name), errors="replace") as f:
            tables += re.findall(r'CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?\s*\(', f.read())
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "history")
    git(repo, "checkout", "-qb", "feature")
    new = "99990101000000_add_index.sql"
    table = tables[0]
    write(os.path.join(target, new), f'-- +goose Up\nCREATE INDEX pgfence_test_idx ON "{table}" (id);\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "index")
    code, report, err = run.json(repo, "--changed-since", "main", "migrations")
    paths = [f["path"] for f in report["files"]] if report else None
    check(paths == ["migrations/" + new], f"real history: only the new migration is reported: {paths} {err[-300:]}")
    if report:
        rules = [x["rule"] for f in report["files"] for x in f["findings"]]
        check("create-index-without-concurrently" in rules, f"real history: its finding on {table}: {rules}")
        check(report["summary"].get("history", {}).get("files", 0) >= len(names) - 5, f"real history: the set replayed: {report['summary']}")
    code, whole, err = run.json(repo, "migrations")
    check(whole is not None and len(whole["files"]) == len(names) + 1, "real history: without --changed-since, every file")


def baseline(run, tmp):
    repo = os.path.join(tmp, "base")
    write(os.path.join(repo, "migrations/001_init.sql"), "CREATE TABLE users (id int, email text);\n")
    write(os.path.join(repo, "migrations/002_idx.sql"), "CREATE INDEX users_email_idx ON users (email);\n")
    path = os.path.join(repo, ".pgfence-baseline")
    code, report, err = run.json(repo, "--baseline", ".pgfence-baseline", "migrations")
    count = lambda r: sum(len(f["findings"]) for f in r["files"]) if r else None
    check(code == 0 and count(report) == 0 and os.path.isfile(path), f"first run: baseline written, 0 reported: {code} {err}")
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l and not l.startswith("#")]
    entries = [json.loads(l) for l in lines]
    check(len(entries) >= 1 and all(list(e) == ["file", "rule", "statement", "line"] for e in entries) and
          any(e["rule"] == "create-index-without-concurrently" and e["file"] == "migrations/002_idx.sql" for e in entries),
          f"the baseline is one JSON object per line, sorted keys in order: {lines}")
    check(lines == sorted(lines, key=lambda l: (json.loads(l)["file"], json.loads(l)["line"], json.loads(l)["rule"])),
          "the baseline's lines are sorted")
    code, report, err = run.json(repo, "--ci", "--baseline", ".pgfence-baseline", "migrations")
    check(code == 0 and count(report) == 0 and f"{len(entries)} finding" in err, f"second run: 0 reported: {code} {err}")
    # Lines added above keep the recorded finding matched; a new one is reported.
    write(os.path.join(repo, "migrations/002_idx.sql"), "-- a comment\n\nCREATE INDEX users_email_idx ON users (email);\n")
    write(os.path.join(repo, "migrations/003_more.sql"), "CREATE INDEX users_id_idx ON users (id);\n")
    code, report, err = run.json(repo, "--ci", "--baseline", ".pgfence-baseline", "migrations")
    found = [(f["path"], x["rule"]) for f in report["files"] for x in f["findings"]] if report else None
    check(code == 1 and found and all(p == "migrations/003_more.sql" for p, _ in found) and
          ("migrations/003_more.sql", "create-index-without-concurrently") in found,
          f"a new finding only, --ci exit 1: {code} {found} {err}")
    # Text: the same. A fixed finding's entry is counted as stale.
    write(os.path.join(repo, "migrations/002_idx.sql"), "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n")
    code, out, err = run(repo, "--baseline", ".pgfence-baseline", "migrations")
    check("no longer found" in err and "003_more.sql" in out and "findings: 0" not in out, f"stale entries counted: {err}")
    code, out, err = run(repo, "--baseline", ".pgfence-baseline", "--update-baseline", "migrations")
    code, report, err = run.json(repo, "--ci", "--baseline", ".pgfence-baseline", "migrations")
    check(code == 0 and count(report) == 0 and "no longer found" not in err, f"--update-baseline: 0 again: {code} {err}")
    # --update-baseline over some of the files keeps the other files' entries.
    code, out, err = run(repo, "--baseline", ".pgfence-baseline", "--update-baseline", "migrations/003_more.sql")
    with open(path) as f:
        kept = [json.loads(l)["file"] for l in f if l.strip() and not l.startswith("#")]
    check("migrations/003_more.sql" in kept and len(kept) == len(set(kept)) or "migrations/003_more.sql" in kept,
          f"--update-baseline of one file: {kept}")
    code, report, err = run.json(repo, "--ci", "--baseline", ".pgfence-baseline", "migrations")
    check(code == 0 and count(report) == 0 and "no longer found" not in err, f"the other files' entries kept: {code} {err}")
    code, report, err = run.json(repo, "--baseline", ".pgfence-baseline", "migrations/003_more.sql")
    check("no longer found" not in err, f"a run over one file counts no other file's entry as stale: {err}")
    # With --ci, a baseline that is not there is an error: a typo would pass every finding.
    code, out, err = run(repo, "--ci", "--baseline", "typo-baseline", "migrations")
    check(code == 2 and len(errors(err)) == 1 and not os.path.exists(os.path.join(repo, "typo-baseline")),
          f"--ci with a missing baseline: {code} {err}")
    # Bad input: one error line with the file and line; a link is refused.
    with open(path, "a") as f:
        f.write("not json\n")
    n = sum(1 for _ in open(path))
    code, out, err = run(repo, "--baseline", ".pgfence-baseline", "migrations")
    check(code == 2 and errors(err) and f".pgfence-baseline:{n}:" in errors(err)[0], f"a broken line: {code} {err}")
    os.remove(path)
    os.symlink("/etc/passwd", path)
    code, out, err = run(repo, "--baseline", ".pgfence-baseline", "migrations")
    check(code == 2 and len(errors(err)) == 1 and os.readlink(path) == "/etc/passwd", f"a link as baseline: {code} {err}")
    code, out, err = run(repo, "--update-baseline", "migrations")
    check(code == 2 and "--baseline" in err, f"--update-baseline alone: {code} {err}")


def frameworks(run, tmp):
    """Rails, Django and Alembic migrations are not read as SQL: one line each says what to
    analyse instead, and the run is not failed by them."""
    repo = os.path.join(tmp, "frameworks")
    files = {
        "db/migrate/20240101000000_add_token.rb": "class AddToken < ActiveRecord::Migration[7.1]\n  def change\n"
                                                  "    add_column :users, :token, :string\n  end\nend\n",
        "app/migrations/0002_token.py": "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n"
                                        "    operations = [migrations.AddField('user', 'token', models.TextField())]\n",
        "alembic/versions/abc123_token.py": "from alembic import op\nimport sqlalchemy as sa\n\ndef upgrade():\n"
                                            "    op.add_column('users', sa.Column('token', sa.Text()))\n",
    }
    wanted = {"db/migrate/20240101000000_add_token.rb": "rails db:migrate",
              "app/migrations/0002_token.py": "sqlmigrate", "alembic/versions/abc123_token.py": "alembic upgrade REV --sql"}
    for path, text in files.items():
        write(os.path.join(repo, path), text)
    for path in files:
        code, report, err = run.json(repo, path)
        f = report["files"][0] if report and report["files"] else {}
        check(code == 0 and f.get("skipped") is True and "not read yet" in f.get("skip_reason", "") and
              wanted[path] in f.get("skip_reason", "") and not f.get("findings") and not f.get("statements"),
              f"{path}: skipped with what to analyse instead: {code} {f} {err}")
        code, out, err = run(repo, "--format", "compact", path)
        check(code == 0 and out.startswith(f"{path}: skipped: ") and "not read yet" in " ".join(out.split()) and
              "unparsable" not in out, f"{path}: said once in the compact form: {out}")


def plan_folder(run, tmp):
    """--format plan's default folder, pgfence-plan, is never written through a link a checkout holds."""
    repo = os.path.join(tmp, "planlink")
    write(os.path.join(repo, "migrations/001_init.sql"), "CREATE TABLE users (id int, email text);\n")
    write(os.path.join(repo, "migrations/002_idx.sql"), "CREATE INDEX users_email_idx ON users (email);\n")
    # psql -f runs the folder (`tool = "psql"`): a plain folder's CONCURRENTLY plan needs its runner known.
    write(os.path.join(repo, "psql.toml"), 'tool = "psql"\n')
    code, out, err = run(repo, "--config", "psql.toml", "--format", "plan", "migrations")
    written = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(repo, "pgfence-plan")) for f in fs]
    check(code == 0 and any(f.endswith("migrations/002_idx.sql") for f in written) and "wrote pgfence-plan/" in out,
          f"the plan is written under pgfence-plan/: {code} {written} {out} {err}")
    shutil.rmtree(os.path.join(repo, "pgfence-plan"))
    outside = os.path.join(tmp, "outside")
    os.mkdir(outside)
    os.symlink(outside, os.path.join(repo, "pgfence-plan"))
    code, out, err = run(repo, "--config", "psql.toml", "--format", "plan", "migrations")
    check(code == 2 and os.listdir(outside) == [] and errors(err), f"a pgfence-plan link: refused: {code} {os.listdir(outside)} {err}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpus"))
    args = p.parse_args()
    run = Runner(os.path.abspath(args.binary))
    with tempfile.TemporaryDirectory() as tmp:
        changed_since(run, tmp)
        real_history(run, tmp, args.corpus)
        baseline(run, tmp)
        frameworks(run, tmp)
        plan_folder(run, tmp)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
