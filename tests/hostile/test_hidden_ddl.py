"""DDL hidden in a function the migration creates and then calls (issue #32 item 1), on the real
binary: the call is analysed as the function's body, so the DROP TABLE inside it is reported at the
call, and a call of a function whose body is not known is counted as unknown, never "0 unknown".

    test_hidden_ddl.py SCENARIO --binary PGFENCE
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def analyze(binary, tmp, sql, *args):
    path = os.path.join(tmp, "001_migration.sql")
    with open(path, "w") as f:
        f.write(sql)
    out = {}
    for fmt in ("json", "text"):
        proc = subprocess.run([binary, "analyze", "--no-config", "--format", fmt, *args, path], cwd=tmp,
                              capture_output=True, text=True, timeout=120)
        check(proc.returncode in (0, 1), f"{fmt}: exit {proc.returncode}\n{proc.stderr}")
        out[fmt] = proc.stdout
    return json.loads(out["json"]), out["text"]


def findings(report):
    return [f for file in report["files"] for f in file["findings"]]


def expect_drop_at_call(report, text, call_line, function):
    drops = [f for f in findings(report) if f["rule"] == "drop-table"]
    check(len(drops) == 1, f"expected one drop-table finding, got {findings(report)}")
    check(drops[0]["start"]["line"] == call_line, f"drop-table at line {drops[0]['start']['line']}, the call is at {call_line}")
    check(f"inside {function}" in drops[0]["message"], f"message does not name {function}: {drops[0]['message']}")
    check("drop-table" in text and f"inside {function}" in text, f"text report misses the finding:\n{text}")


def scenario_sql_string_body(binary, tmp):
    """The issue's example, verbatim."""
    report, text = analyze(binary, tmp, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
                                        "SELECT f();\n")
    expect_drop_at_call(report, text, 2, "f()")
    check(report["summary"]["unknown"] == 0, f"summary: {report['summary']}")
    locks = report["files"][0]["statements"][1]["locks"]
    check(any(l["relation"] == "users" and l["mode"] == "ACCESS EXCLUSIVE" for l in locks), f"locks of SELECT f(): {locks}")


def scenario_atomic_body(binary, tmp):
    report, text = analyze(binary, tmp, "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
                                        "  DROP TABLE users;\n  SELECT 1;\nEND;\nSELECT 1 + f();\n")
    # BEGIN ATOMIC bodies may hold only queries and DML: PostgreSQL refuses DDL there, and the
    # parser accepts the statement (it is what a server would refuse at CREATE time); either way
    # the call reports what the body holds.
    expect_drop_at_call(report, text, 6, "f()")


def scenario_unknown_function(binary, tmp):
    report, text = analyze(binary, tmp, "SELECT now();\nSELECT app.rebuild();\nSELECT dblink_exec('', 'DROP TABLE users');\n")
    check(report["summary"]["unknown"] == 2, f"summary: {report['summary']}")
    rules = sorted(f["rule"] for f in findings(report))
    check(rules == ["unknown-statement", "unknown-statement"], f"findings: {rules}")
    check("2 unknown to the lock model" in text, f"text summary:\n{text[-400:]}")


def scenario_do_block(binary, tmp):
    """Statements of a top-level DO block reach the rules, at their own line (red team: none did)."""
    sql = ("SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
           "DO $$ BEGIN TRUNCATE users CASCADE; DROP TABLE users; END $$;\n"
           "DO $$\nBEGIN\n  PERFORM 1;\n  DROP TABLE orders;\nEND $$;\n")
    report, text = analyze(binary, tmp, sql)
    found = [(f["rule"], f["start"]["line"], f["risk"]) for f in findings(report)]
    by_rule = {}
    for rule, line, _ in found:
        by_rule.setdefault(rule, []).append(line)
    check(by_rule.get("drop-table") == [3, 7], f"drop-table on lines 3 and 7: {found}")
    check(3 in by_rule.get("truncate-cascade", by_rule.get("truncate", [])), f"TRUNCATE ... CASCADE on line 3: {found}")
    check(any(risk == "CRITICAL" for _, _, risk in found), f"a CRITICAL finding: {found}")
    check(all("inside DO block: " in f["message"] for f in findings(report) if f["rule"] == "drop-table"),
          f"messages name the DO block: {findings(report)}")
    check("inside DO block" in text, f"text report:\n{text}")
    # The rules read each statement's own text (an empty text made supabase/storage's 0014 an internal error).
    report, text = analyze(binary, tmp, "SET lock_timeout = '2s';\nDO $$\nBEGIN\n  IF EXISTS (SELECT 1) THEN\n"
                                        "    ALTER TABLE storage.buckets RENAME COLUMN max_file_size_kb TO file_size_limit;\n"
                                        "    ALTER TABLE storage.buckets ALTER COLUMN file_size_limit TYPE bigint;\n"
                                        "  ELSE\n    ALTER TABLE storage.buckets DROP COLUMN max_file_size_kb;\n  END IF;\nEND$$;\n")
    check(not report["files"][0]["error"], f"error: {report['files'][0]['error']}")
    lines = sorted((f["rule"], f["start"]["line"]) for f in findings(report))
    check(("drop-column", 8) in lines and ("alter-column-type-rewrite", 6) in lines, f"findings: {lines}")
    # A constant EXECUTE is static SQL; a computed one is unknown.
    report, text = analyze(binary, tmp, "SET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$;\n"
                                        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users'; END $$;\n")
    rules = sorted((f["rule"], f["start"]["line"]) for f in findings(report))
    check(("drop-table", 2) in rules and ("unknown-statement", 3) in rules, f"findings: {rules}")


SCENARIOS = {
    "do_block": scenario_do_block,
    "sql_string_body": scenario_sql_string_body,
    "atomic_body": scenario_atomic_body,
    "unknown_function": scenario_unknown_function,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp)
        except Failed as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"PASS {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
