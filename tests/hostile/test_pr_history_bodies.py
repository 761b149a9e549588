"""Red team F1 item 3: a table an earlier migration made through a function or procedure call
(CALL, SELECT f(), PERFORM in a DO block) is no new table to `pgfence pr`. The base holds the
history; the pull request's `CREATE TABLE IF NOT EXISTS ledger (id int); TRUNCATE ledger; DROP TABLE
ledger;` does nothing to make the table (it exists: PostgreSQL 15 says "relation ledger already
exists, skipping") and then empties and drops the real one. History replay follows the calls as the
analysed files' are followed; where it cannot (a procedure not in the repository), the IF NOT EXISTS
is unknown and the table judged as existing. On the real binary, a real git repository and the
GitHub double: pr fails and its check run fails. `control`: the same pull request over a history
that makes no such table passes (the table is the migration's own).

    test_pr_history_bodies.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n"
INIT = "CREATE TABLE users (id bigserial PRIMARY KEY, email text);\n"
CHANGE = PREAMBLE + "CREATE TABLE IF NOT EXISTS ledger (id int);\nTRUNCATE ledger;\nDROP TABLE ledger;\n"

# name: how the base's migration made ledger (the line after it fills it)
HISTORIES = {
    "procedure": "CREATE PROCEDURE mkl() LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE ledger (id int); END $$;\nCALL mkl();\n",
    "plpgsql_function": "CREATE FUNCTION mkl() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE ledger (id int); END $$;\n"
                        "SELECT mkl();\n",
    "sql_function": "CREATE FUNCTION mkl() RETURNS void LANGUAGE sql AS $$ CREATE TABLE ledger (id int) $$;\nSELECT mkl();\n",
    "perform": "CREATE FUNCTION mkl() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE ledger (id int); END $$;\n"
               "DO $$ BEGIN PERFORM mkl(); END $$;\n",
    # A procedure the repository does not hold: what it made is not known.
    "unread": "CALL ops.provision();\n",
}


def pull_request(s, history):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "README.md"), "app\n")
    fill = "INSERT INTO ledger VALUES (1);\n" if history else ""
    write(os.path.join(s.repo, "migrations/001_init.sql"), PREAMBLE + INIT + history + fill)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    write(os.path.join(s.repo, "migrations/002_change.sql"), CHANGE)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def run(s, history, fails):
    pull_request(s, history)
    s.start_double()
    sarif = os.path.join(s.tmp, "pr.sarif")
    proc = s.run_pr("--sarif", sarif)
    creates = s.requests("checks/create")
    conclusion = creates[0]["body"].get("conclusion") if len(creates) == 1 else None
    with open(sarif) as f:
        results = json.load(f)["runs"][0]["results"]
    found = sorted({(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results})
    if fails:
        check(proc.returncode == 1 and conclusion == "failure",
              f"pr fails: exit {proc.returncode}, check {conclusion}, findings {found}\n{proc.stdout[-1200:]}")
        # TRUNCATE (line 4) and DROP TABLE (line 5) of the existing table are findings.
        check(("truncate", 4) in found and ("drop-table", 5) in found, f"TRUNCATE and DROP of the existing ledger: {found}")
    else:
        check(proc.returncode == 0 and conclusion == "success",
              f"the control passes: exit {proc.returncode}, check {conclusion}, findings {found}\n{proc.stderr[-800:]}")


SCENARIOS = {name: (lambda s, h=history: run(s, h, True)) for name, history in HISTORIES.items()}
SCENARIOS["control"] = lambda s: run(s, "", False)

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
