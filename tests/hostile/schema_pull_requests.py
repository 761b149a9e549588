"""What the hostile tests that judge one migration against the schema of an earlier one share
(test_data_loss.py, test_sql_harm.py, test_app_harm.py, test_catalog_identity.py): a real git
repository (the git CLI) whose main branch holds migrations/001_init.sql, a pull request branch
that adds migrations/002_change.sql, `pgfence analyze --ci --format json` over it, and the
scenario runner."""
import argparse
import json
import os
import subprocess
import tempfile


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
                        "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com"})


def repository(tmp, init):
    """A repository whose main branch has one migration, 001_init.sql, holding `init`."""
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "migrations"))
    git(repo, "init", "-q", "-b", "main")
    with open(os.path.join(repo, "migrations", "001_init.sql"), "w") as f:
        f.write(init)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "schema")
    return repo


def pull_request(repo, branch, sql):
    """A branch off main that adds 002_change.sql holding `sql`, checked out."""
    git(repo, "checkout", "-q", "-b", branch, "main")
    with open(os.path.join(repo, "migrations", "002_change.sql"), "w") as f:
        f.write(sql)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", branch)


def analyze_report(binary, repo, *options):
    """`pgfence analyze --no-config --ci OPTIONS --format json migrations`: its exit code (0 or 1,
    anything else fails the test) and its report."""
    proc = subprocess.run([binary, "analyze", "--no-config", "--ci", *options, "--format", "json", "migrations"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}")
    return proc.returncode, json.loads(proc.stdout)


def findings_in(report, name):
    """The findings of the report's file whose path ends with `name`."""
    return [f for file in report["files"] if file["path"].endswith(name) for f in file["findings"]]


def main(scenarios):
    """`test_X.py SCENARIO --binary PGFENCE`: runs scenarios[SCENARIO](binary, tmp); PASS or FAIL."""
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(scenarios))
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            scenarios[args.scenario](os.path.abspath(args.binary), tmp)
        except Failed as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"PASS {args.scenario}")
    return 0
