"""`pr --trace` runs the changed migrations on the schema the repository's other migrations build,
as the head commit has them (newcomer nw71 N1): a golang-migrate repository's `.down.sql` files are
not part of that setup (`000001_x.down.sql` sorts before its up half and dropped the table it
makes: "error: --setup ...down.sql: table "users" does not exist"), and the checkout's own files
(another branch, an edit not committed) are not what the pull request runs.

    test_pr_trace_setup.py SCENARIO --binary B
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def write(repo, name, text):
    path = os.path.join(repo, "migrations", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_repo(tmp, env):
    repo = os.path.join(tmp, "repo")
    os.makedirs(repo)

    def git(*a):
        subprocess.run(["git", "-C", repo, *a], env=env, check=True, capture_output=True)

    write(repo, "000001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n")
    write(repo, "000001_create_users.down.sql", "DROP TABLE users;\n")
    write(repo, "000002_create_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n")
    write(repo, "000002_create_orders.down.sql", "DROP TABLE orders;\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "feature")
    write(repo, "000003_users_status.up.sql", "ALTER TABLE users ADD COLUMN status text;\n")
    write(repo, "000003_users_status.down.sql", "ALTER TABLE users DROP COLUMN status;\n")
    git("add", "-A")
    git("commit", "-qm", "feature")
    return repo, git


def run_pr(binary, tmp, repo, env):
    summary = os.path.join(tmp, "summary.md")
    proc = subprocess.run([binary, "pr", "--base", "main", "--head", "feature", "--repo", repo, "--no-config", "--no-check-run",
                           "--no-comment", "--no-sarif", "--summary", summary, "--outputs", os.path.join(tmp, "outputs.txt"),
                           "--max-risk", "critical", "--trace"],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=240)
    with open(summary) as f:
        text = f.read()
    return proc, text


def down_files(binary, tmp, env):
    """The base's down files are in the repository, the head checked out."""
    repo, _ = make_repo(tmp, env)
    proc, summary = run_pr(binary, tmp, repo, env)
    check(".down.sql" not in proc.stderr, f"no down file in the setup:\n{proc.stderr[-2000:]}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    check("Trace on a real PostgreSQL: confirmed" in summary, f"the trace confirms:\n{summary[-2000:]}")
    check(not [n for n in os.listdir(repo) if n.startswith(".pgfence-trace")], "the head's copy is removed")


def head_commit(binary, tmp, env):
    """Another branch checked out, with an edit not committed: the trace runs the head commit's files."""
    repo, git = make_repo(tmp, env)
    git("checkout", "-q", "main")
    git("checkout", "-qb", "other")
    # Neither is the pull request's: a setup file broken in the checkout, and a changed file
    # the checkout does not have at all.
    write(repo, "000002_create_orders.up.sql", "CREATE TABLE orders (;\n")
    proc, summary = run_pr(binary, tmp, repo, env)
    check("error: --setup" not in proc.stderr and "cannot read" not in proc.stderr, f"the setup runs:\n{proc.stderr[-2000:]}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    check("Trace on a real PostgreSQL: confirmed" in summary, f"the trace confirms:\n{summary[-2000:]}")
    check("ADD COLUMN status" in summary, f"the head's file is traced:\n{summary[-3000:]}")


SCENARIOS = {"down_files": down_files, "head_commit": head_commit}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir(PG_BIN):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-trace-setup-")
    os.chmod(tmp, 0o755)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=tmp, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e", PATH=PG_BIN + ":" + os.environ.get("PATH", ""))
    env = {k: v for k, v in env.items() if not k.startswith("GITHUB_")}
    try:
        SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp, env)
    except (Failed, subprocess.TimeoutExpired) as e:
        print(f"FAIL {args.scenario}: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
