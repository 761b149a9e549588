"""lock_timeout changed inside routines (red team R83 F1, F2, F2b): a routine's own SET clause holds
while its body runs (CREATE FUNCTION: "restored to its prior value when the function exits"); a SET
or set_config(..., false) in a DO block or a called body lasts for the session, set_config(..., true)
to the transaction's end; DISCARD ALL is RESET ALL. Each migration below left a 2s lock_timeout off
on PostgreSQL 15 (its ALTER TABLE waited 5s behind a reader where 2s would have cancelled it); pgfence must report the statement the timeout no longer guards, in pr and in analyze.

    test_session_in_routines.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import analyze_findings, pr_findings, repository, run  # noqa: E402

INIT = {"migrations/001_init.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric);\n"}
GATE = ("--ci", "--unknown", "block", "--max-risk", "low")


def gate(s, head, expected, absent=(), base=None):
    """pr and analyze --ci --unknown block --max-risk low both fail, each reporting every
    (path, rule, line) of `expected` and none of `absent`."""
    repository(s, base or INIT, head)
    s.start_double()
    proc = s.run_pr(*GATE, "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    for e in expected:
        check(e in found, f"pr reports {e}: {sorted(found)}")
    for e in absent:
        check(e not in found, f"pr does not report {e}: {sorted(found)}")
    s.all_requests_valid()
    proc = run(s, "analyze", "--no-config", *GATE, ".")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    for e in expected:
        check(e in found, f"analyze reports {e}: {sorted(found)}")


FUNCTION_SET = ("CREATE FUNCTION add_note() RETURNS void LANGUAGE plpgsql SET lock_timeout = 0 AS $$\nBEGIN\n"
                "  ALTER TABLE orders ADD COLUMN note text;\nEND\n$$;\nSET lock_timeout = '2s';\nSELECT add_note();\nRESET lock_timeout;\n")


def function_set_clause(s):
    """F2: add_note() is declared with SET lock_timeout = 0; its ALTER TABLE runs with no limit
    although the caller set 2s."""
    gate(s, {"migrations/002_note.sql": FUNCTION_SET}, {("migrations/002_note.sql", "lock-timeout-zero", 7)})


def procedure_set_clause(s):
    """F2b: the same with a procedure and CALL."""
    sql = FUNCTION_SET.replace("CREATE FUNCTION add_note() RETURNS void", "CREATE PROCEDURE add_note()").replace(
        "SELECT add_note();", "CALL add_note();")
    gate(s, {"migrations/002_note.sql": sql}, {("migrations/002_note.sql", "lock-timeout-zero", 7)})


def alter_function_set(s):
    """F2b: a function an earlier migration made gets SET lock_timeout = 0 by ALTER FUNCTION, then is called."""
    base_fn = ("CREATE FUNCTION add_tag() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
               "  ALTER TABLE orders ADD COLUMN IF NOT EXISTS tag text;\nEND\n$$;\n")
    sql = "ALTER FUNCTION add_tag() SET lock_timeout = 0;\nSET lock_timeout = '2s';\nSELECT add_tag();\nRESET lock_timeout;\n"
    gate(s, {"migrations/003_tag.sql": sql}, {("migrations/003_tag.sql", "lock-timeout-zero", 3)},
         base=dict(INIT, **{"migrations/002_add_tag.sql": base_fn}))


def do_block_set(s):
    """F2b: SET lock_timeout = 0 inside a DO block lasts for the session: the ALTER after it has no limit."""
    sql = "SET lock_timeout = '2s';\nDO $$ BEGIN SET lock_timeout = 0; END $$;\nALTER TABLE orders ADD COLUMN note text;\nRESET lock_timeout;\n"
    gate(s, {"migrations/002_note.sql": sql}, {("migrations/002_note.sql", "lock-timeout-zero", 3)})


def called_set_config(s):
    """F2b: a called SQL function runs set_config('lock_timeout', '0', false): for the session."""
    sql = ("CREATE FUNCTION prep() RETURNS text LANGUAGE sql AS $$ SELECT set_config('lock_timeout', '0', false) $$;\n"
           "SET lock_timeout = '2s';\nSELECT prep();\nALTER TABLE orders ADD COLUMN tag text;\nRESET lock_timeout;\n")
    gate(s, {"migrations/002_tag.sql": sql}, {("migrations/002_tag.sql", "lock-timeout-zero", 4)})


def called_set_config_local(s):
    """F2b: set_config(..., true) in a called function lasts to the transaction's end."""
    sql = ("CREATE FUNCTION prep() RETURNS text LANGUAGE sql AS $$ SELECT set_config('lock_timeout', '0', true) $$;\n"
           "BEGIN;\nSET LOCAL lock_timeout = '2s';\nSELECT prep();\nALTER TABLE orders ADD COLUMN tag text;\nCOMMIT;\n")
    gate(s, {"migrations/002_tag.sql": sql}, {("migrations/002_tag.sql", "lock-timeout-zero", 5)})


def set_local_confined(s):
    """A routine with its own SET lock_timeout clause confines a SET LOCAL of it in its body to the
    routine: guard() leaves the transaction with no lock_timeout, so the ALTER after it has none."""
    sql = ("CREATE FUNCTION guard() RETURNS void LANGUAGE plpgsql SET lock_timeout = '2s' AS $$\nBEGIN\n"
           "  SET LOCAL lock_timeout = '2s';\nEND\n$$;\nBEGIN;\nSELECT guard();\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\n")
    gate(s, {"migrations/002_note.sql": sql}, {("migrations/002_note.sql", "lock-timeout-missing", 8)})


def computed_value(s):
    """A DO block sets lock_timeout to a value pgfence cannot fold: unknown at the block, and the
    ALTER after it is not counted as guarded by the 2s."""
    sql = ("SET lock_timeout = '2s';\nDO $$ BEGIN PERFORM set_config('lock_timeout', "
           "coalesce(current_setting('app.lock_timeout', true), '0'), false); END $$;\n"
           "ALTER TABLE orders ADD COLUMN note text;\nRESET lock_timeout;\n")
    gate(s, {"migrations/002_note.sql": sql}, {("migrations/002_note.sql", "unknown-statement", 2),
                                               ("migrations/002_note.sql", "lock-timeout-missing", 3)})


def discard_all(s):
    """F1: DISCARD ALL resets the session to its initial state (RESET ALL): the 2s is gone."""
    sql = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nDISCARD ALL;\nALTER TABLE orders ADD COLUMN note text;\n"
    gate(s, {"migrations/002_note.sql": sql}, {("migrations/002_note.sql", "lock-timeout-missing", 4)})


def control(s):
    """No false alarm: a DO block that sets a 2s lock_timeout guards the ALTER after it, and a
    function whose SET clause gives 1s runs its ALTER under a limit (both timed out on PostgreSQL 15)."""
    do = "DO $$ BEGIN SET lock_timeout = '2s'; END $$;\nALTER TABLE orders ADD COLUMN note text;\nRESET lock_timeout;\n"
    fn = FUNCTION_SET.replace("SET lock_timeout = 0 AS", "SET lock_timeout = '1s' AS").replace("note", "memo")
    repository(s, INIT, {"migrations/002_note.sql": do, "migrations/003_memo.sql": fn})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    report = json.loads(proc.stdout)
    rules = {(f["path"], x["rule"]) for f in report["files"] for x in f["findings"]}
    for path in ("./migrations/002_note.sql", "./migrations/003_memo.sql"):
        for rule in ("lock-timeout-missing", "lock-timeout-zero", "unknown-statement"):
            check((path, rule) not in rules, f"no {rule} in {path}: {sorted(rules)}")


SCENARIOS = {f.__name__: f for f in (function_set_clause, procedure_set_clause, alter_function_set, do_block_set,
                                     called_set_config, called_set_config_local, set_local_confined, computed_value, discard_all, control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
