"""The whole trace is bounded, not only each statement (red team r70 F10): statements that each stay
under --trace-timeout (`SELECT pg_sleep(2)` under a 5 s limit) cost their number times it, so a
hundred `SELECT pg_sleep(299);` held a CI runner for 8 hours. Past --trace-budget the statement
running is cancelled, the rest of its file is skipped, the later files are not traced, and the run
fails saying why (exit 1, `stopped` in the JSON report), never a clean verdict; `pr --trace` passes
the budget on and fails the same way.

    test_trace_budget.py SCENARIO --binary B
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH
SLOW = "SELECT pg_sleep(2);\n" * 5 + "CREATE TABLE after_sleeps (a int);\n"
BUDGET = "6"


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def trace(binary, tmp):
    """Two files: five sleeps of 2 s (each under --trace-timeout 5) and one plain file."""
    for name, text in (("001_slow.sql", SLOW), ("002_ok.sql", "CREATE TABLE ok (a int);\n")):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(text)
    proc = subprocess.run([binary, "trace", "--pg-bin", PG_BIN, "--trace-timeout", "5", "--trace-budget", BUDGET, "--format", "json",
                           "001_slow.sql", "002_ok.sql"], cwd=tmp, capture_output=True, text=True, timeout=120)
    check(proc.returncode == 1, f"trace fails: exit {proc.returncode}\n{proc.stderr}")
    doc = json.loads(proc.stdout)
    check(doc["failed"] is True and "run budget" in (doc.get("stopped") or ""), f"stopped and failed: {doc.get('stopped')} {doc['failed']}")
    check("1 of 2 files not traced" in doc["stopped"], f"the file after is not traced: {doc['stopped']}")
    check([f["path"] for f in doc["files"]] == ["001_slow.sql"], f"only the first file: {[f['path'] for f in doc['files']]}")
    verdicts = [s["verdict"] for s in doc["files"][0]["statements"]]
    check(verdicts.count("confirmed") + verdicts.count("static-only") <= 3 and verdicts[-1] == "skipped",
          f"the budget stops the file: {verdicts}")
    cut = [s for s in doc["files"][0]["statements"] if s["verdict"] == "error"]
    check(len(cut) == 1 and "run budget" in cut[0]["error"]["message"], f"the statement running is cancelled for the budget: {cut}")
    check("pgfence: trace stopped: the trace's run budget of 6 s" in proc.stderr, f"stderr says why: {proc.stderr}")


def pr_trace(binary, tmp):
    """`pr --trace --trace-budget`: the same migration fails the pull request's run, saying so."""
    repo = os.path.join(tmp, "repo")
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=tmp, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e", PATH=PG_BIN + ":" + os.environ.get("PATH", ""))
    env = {k: v for k, v in env.items() if not k.startswith("GITHUB_")}

    def git(*a):
        subprocess.run(["git", "-C", repo, *a], env=env, check=True, capture_output=True)

    os.makedirs(os.path.join(repo, "db", "migration"))
    with open(os.path.join(repo, "db", "migration", "V1__init.sql"), "w") as f:
        f.write("CREATE TABLE users (id bigint PRIMARY KEY);\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "pr")
    with open(os.path.join(repo, "db", "migration", "V2__slow.sql"), "w") as f:
        f.write(SLOW)
    git("add", "-A")
    git("commit", "-qm", "slow")
    summary = os.path.join(tmp, "summary.md")
    proc = subprocess.run([binary, "pr", "--base", "main", "--head", "pr", "--repo", repo, "--no-config", "--no-check-run",
                           "--no-comment", "--no-sarif", "--summary", summary, "--outputs", os.path.join(tmp, "outputs.txt"),
                           "--trace", "--trace-timeout", "5", "--trace-budget", BUDGET],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    check("run budget" in proc.stdout + proc.stderr, f"the run says why:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    # Without --trace the budget changes nothing, and a warning says so (the action passes it whenever set).
    proc = subprocess.run([binary, "pr", "--base", "main", "--head", "pr", "--repo", repo, "--no-config", "--no-check-run",
                           "--no-comment", "--no-sarif", "--trace-budget", BUDGET], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=120)
    check("warning: --trace-budget does nothing without --trace" in proc.stderr, f"the warning:\n{proc.stderr[-2000:]}")


SCENARIOS = {"trace": trace, "pr_trace": pr_trace}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    args = p.parse_args()
    if not os.path.isdir(PG_BIN):
        print("SKIP: no PostgreSQL 15")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pgfence-hostile-budget-")
    os.chmod(tmp, 0o755)
    try:
        SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp)
    except (Failed, subprocess.TimeoutExpired) as e:
        print(f"FAIL {args.scenario}: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
