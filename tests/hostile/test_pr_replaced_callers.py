"""A function the pull request (re)defines where `pgfence pr` did not find its name, called from a
merged migration the pull request leaves unchanged (red team R82b B8, issue #53).

`pr` reviews the merged migrations that call a function a changed file defines (bot/pr_callers.hpp).
It took the names from the changed file's raw text as SQL, so it found none where the CREATE OR
REPLACE FUNCTION is inside a knex string (a JavaScript double quote is a quoted identifier to SQL)
or inside `EXECUTE $e$...$e$` of a DO block, which pgfence's analysis folds. The unchanged
`SELECT f()` was never read again, and pr exited 0, while knex 3.1 and node-pg-migrate 7.9 ran the
new body and dropped users. Now the names come from the statements pgfence reads in the changed
file, so the caller is reviewed with it and pr fails. `control`: a pull request that defines
another function leaves the caller out and passes.

    test_pr_replaced_callers.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_link_targets import repository  # noqa: E402
from test_tool_reach import check_run, pr_findings  # noqa: E402

KNEXFILE = {"knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
            "package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n'}
NPM = {"package.json": '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"7.9.1","pg":"8.11.0"}}\n'}


def knex(sql):
    return 'exports.up = async function (k) {\n  await k.raw("' + sql + '");\n};\nexports.down = async function () {};\n'


def body(name, statement):
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN {statement}; END $f$"


KNEX_BASE = {**KNEXFILE, "migrations/20240101000000_a.js": knex(body("f", "PERFORM 1")),
             "migrations/20240101000001_b.js": knex("SELECT f()")}
NPM_BASE = {**NPM, "migrations/1700000000001_a.sql": "-- Up Migration\n" + body("f", "PERFORM 1") + ";\n",
            "migrations/1700000000003_c.sql": "-- Up Migration\nSELECT f();\n"}


def reviewed(s, base, head, caller):
    """pr fails, says it reviews `caller` with the pull request, and reports a finding there."""
    repository(s, base, {}, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check(f"{caller} calls a function this pull request defines" in proc.stderr, f"pr reviews {caller}:\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check(any(f[0] == caller for f in found), f"pr reports {caller}: {sorted(found)}")
    check(check_run(s).get("conclusion") == "failure", "the check run fails")
    s.all_requests_valid()


def knex_string(s):
    """pr_pe3: a new knex migration sorted between the merged definition and the merged call
    redefines f() in a `k.raw("...")` string."""
    reviewed(s, KNEX_BASE, {"migrations/20240101000000_a2.js": knex(body("f", "DROP TABLE users"))}, "migrations/20240101000001_b.js")


def knex_edit(s):
    """pr_pe2: the pull request edits the merged knex migration's body of f()."""
    reviewed(s, KNEX_BASE, {"migrations/20240101000000_a.js": knex(body("f", "DROP TABLE users"))}, "migrations/20240101000001_b.js")


def npm_execute(s):
    """pr_pe5: a new node-pg-migrate SQL migration redefines f() in a DO block's `EXECUTE $e$...$e$`."""
    head = {"migrations/1700000000002_b.sql": "-- Up Migration\nDO $d$ BEGIN EXECUTE $e$" + body("f", "DROP TABLE users").replace("$f$", "$b$") +
                                              "$e$; END $d$;\n"}
    reviewed(s, NPM_BASE, head, "migrations/1700000000003_c.sql")


def control(s):
    """A new knex migration that defines g(): the merged `SELECT f()` is not reviewed, and pr passes."""
    repository(s, KNEX_BASE, {}, {"migrations/20240101000002_g.js": knex(body("g", "PERFORM 2"))})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check("calls a function this pull request defines" not in proc.stderr, f"no caller is reviewed:\n{proc.stderr[-1500:]}")


SCENARIOS = {f.__name__: f for f in (knex_string, knex_edit, npm_execute, control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
