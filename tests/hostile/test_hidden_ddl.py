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
import time


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
    # A constant EXECUTE is static SQL, and so is one of text built of constants (issue #53: folded);
    # one computed from what runs is unknown.
    report, text = analyze(binary, tmp, "SET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$;\n"
                                        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users'; END $$;\n"
                                        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || current_setting('app.table'); END $$;\n")
    rules = sorted((f["rule"], f["start"]["line"]) for f in findings(report))
    check(("drop-table", 2) in rules and ("drop-table", 3) in rules and ("unknown-statement", 4) in rules
          and ("unknown-statement", 3) not in rules, f"findings: {rules}")


# Issue #32, indirect calls: a function attached to a table, view or other object runs where
# PostgreSQL runs it, and its body is reported there ("inside f() (trigger trg on t): ...").
DROPPER = "CREATE FUNCTION f(v int DEFAULT 0) RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
TRIGGER_DROPPER = ("CREATE FUNCTION trg_f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                   "  DROP TABLE users;\n  RETURN NEW;\nEND;\n$$;\n")


def drops(report):
    return [(f["start"]["line"], f["message"]) for f in findings(report) if f["rule"] == "drop-table"]


def expect_drops(report, text, expected):
    """expected: (line, words the message holds) for each drop-table finding, in order."""
    found = drops(report)
    check(len(found) == len(expected), f"drop-table findings {found}, expected at {[line for line, _ in expected]}")
    for (line, message), (want_line, want) in zip(found, expected):
        check(line == want_line, f"drop-table at line {line}, expected {want_line}: {found}")
        check(want in message, f"message at line {line} does not say {want!r}: {message}")
    check("drop-table" in text, f"text report misses the finding:\n{text}")


def scenario_column_default(binary, tmp):
    """The red team's example, and ALTER COLUMN ... SET DEFAULT: the DEFAULT runs on INSERT and COPY FROM."""
    report, text = analyze(binary, tmp, DROPPER + "CREATE TABLE t (x int DEFAULT f());\nINSERT INTO t DEFAULT VALUES;\n"
                                                  "CREATE TABLE t2 (x int, y int);\nALTER TABLE t2 ALTER COLUMN y SET DEFAULT f();\n"
                                                  "SELECT 1;\nINSERT INTO t2 (x) SELECT 1;\n")
    expect_drops(report, text, [(3, "inside f() (DEFAULT of t.x): DROP TABLE users"), (7, "inside f() (DEFAULT of t2.y)")])
    locks = report["files"][0]["statements"][2]["locks"]
    check(any(l["relation"] == "users" and l["mode"] == "ACCESS EXCLUSIVE" for l in locks), f"locks of the INSERT: {locks}")


def scenario_generated_and_check(binary, tmp):
    """A generated column, a CHECK and a domain's CHECK run on INSERT and UPDATE."""
    report, text = analyze(binary, tmp, DROPPER + "CREATE TABLE g (x int, y int GENERATED ALWAYS AS (f(x)) STORED);\n"
                                                  "CREATE TABLE c (x int CHECK (f(x) > 0));\n"
                                                  "CREATE DOMAIN d AS int CHECK (f(VALUE) > 0);\nCREATE TABLE dt (x d);\n"
                                                  "UPDATE g SET x = 2 WHERE x = 1;\nINSERT INTO c VALUES (1);\n"
                                                  "INSERT INTO dt VALUES (1);\nDELETE FROM c WHERE x = 1;\n")
    expect_drops(report, text, [(6, "(generated column g.y)"), (7, "(CHECK on c.x)"), (8, "(domain d's CHECK on dt.x)")])


def scenario_trigger(binary, tmp):
    """A trigger's function runs on the events it names: INSERT, UPDATE, DELETE, TRUNCATE."""
    report, text = analyze(binary, tmp, TRIGGER_DROPPER + "CREATE TABLE t (x int);\n"
                                                          "CREATE TRIGGER trg BEFORE INSERT OR DELETE ON t FOR EACH ROW EXECUTE FUNCTION trg_f();\n"
                                                          "CREATE TRIGGER trunc AFTER TRUNCATE ON t EXECUTE FUNCTION trg_f();\n"
                                                          "INSERT INTO t VALUES (1);\nUPDATE t SET x = 2 WHERE x = 1;\n"
                                                          "DELETE FROM t WHERE x = 2;\nTRUNCATE t;\n"
                                                          "DROP TRIGGER trg ON t;\nINSERT INTO t VALUES (1);\n")
    expect_drops(report, text, [(10, "inside trg_f() (trigger trg on t): DROP TABLE users"), (12, "(trigger trg on t)"),
                                (13, "(trigger trunc on t)")])


def scenario_trigger_recursion(binary, tmp):
    """A trigger whose function writes its own table again: followed once, the rest is unknown."""
    report, text = analyze(binary, tmp, "CREATE TABLE t (x int);\nCREATE FUNCTION again() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                                        "BEGIN\n  INSERT INTO t VALUES (NEW.x + 1);\n  RETURN NEW;\nEND $$;\n"
                                        "CREATE TRIGGER loop AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION again();\n"
                                        "INSERT INTO t VALUES (1);\n")
    unknown = [f for f in findings(report) if f["rule"] == "unknown-statement"]
    check([f["start"]["line"] for f in unknown] == [8], f"unknown-statement at the INSERT: {findings(report)}")
    check("again() (trigger loop on t)" in unknown[0]["message"] and "recursion" in unknown[0]["message"],
          f"message: {unknown[0]['message']}")
    check(report["summary"]["unknown"] == 1, f"summary: {report['summary']}")


def scenario_ordinary_trigger(binary, tmp):
    """The everyday updated_at trigger and DEFAULT gen_random_uuid() add nothing."""
    sql = ("SET lock_timeout = '2s';\nSET statement_timeout = '1min';\n"
           "CREATE TABLE IF NOT EXISTS t (id uuid DEFAULT gen_random_uuid(), x text, updated_at timestamptz);\n"
           "CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$\n"
           "BEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n$$;\n"
           "CREATE TRIGGER t_updated BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n"
           "INSERT INTO t (x) VALUES ('a');\nUPDATE t SET x = 'b' WHERE x = 'a';\n")
    report, text = analyze(binary, tmp, sql)
    check(findings(report) == [], f"findings: {[(f['rule'], f['message']) for f in findings(report)]}")
    check(report["summary"]["unknown"] == 0, f"summary: {report['summary']}")
    update = report["files"][0]["statements"][-1]
    check(update["locks"] == [l for l in update["locks"] if l["relation"] == "t"], f"locks of the UPDATE: {update['locks']}")
    # The trigger's function was read: the UPDATE no longer says its locks are not shown.
    check(not any("not shown" in n for n in update["notes"]), f"notes of the UPDATE: {update['notes']}")


def scenario_view(binary, tmp):
    """A view's query runs when it is read or written through; a materialized view's on CREATE and REFRESH."""
    report, text = analyze(binary, tmp, DROPPER + "CREATE VIEW v AS SELECT f() AS y;\nCREATE VIEW w AS SELECT * FROM v;\n"
                                                  "SELECT * FROM w;\n"
                                                  "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a, f() AS b WITH NO DATA;\n"
                                                  "REFRESH MATERIALIZED VIEW mv;\n")
    expect_drops(report, text, [(4, "inside f() (view v): DROP TABLE users"), (6, "(materialized view mv)")])


def scenario_index(binary, tmp):
    """An index expression or predicate runs for every row when the index is built, and on every write."""
    report, text = analyze(binary, tmp, DROPPER + "CREATE TABLE t (x int);\nSELECT 1;\n"
                                                  "CREATE INDEX t_f ON t ((f(x)));\nCREATE TABLE p (x int);\n"
                                                  "CREATE INDEX p_w ON p (x) WHERE f(x) > 0;\nINSERT INTO p VALUES (1);\n")
    expect_drops(report, text, [(4, "inside f() (index t_f on t)"), (6, "(index p_w on p)"), (7, "(index p_w on p)")])


def scenario_operator_cast_aggregate(binary, tmp):
    """Objects whose uses cannot be located: the body is reported where they are created."""
    sql = (DROPPER + "CREATE FUNCTION g(a int, b int) RETURNS bool LANGUAGE sql AS 'DROP TABLE orders; SELECT true';\n"
           "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = g);\n"
           "CREATE TYPE ct AS (a int);\n"
           "CREATE FUNCTION h(ct) RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
           "CREATE CAST (ct AS int) WITH FUNCTION h(ct);\n"
           "CREATE FUNCTION s(int, int) RETURNS int LANGUAGE sql AS 'DROP TABLE users; SELECT 1';\n"
           "CREATE AGGREGATE agg(int) (SFUNC = s, STYPE = int);\n"
           "CREATE FUNCTION e() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN DROP TABLE users; END $$;\n"
           "CREATE EVENT TRIGGER et ON ddl_command_end EXECUTE FUNCTION e();\n"
           "CREATE TABLE t (x int);\nCREATE POLICY p ON t USING (f() > 0);\n")
    report, text = analyze(binary, tmp, sql)
    found = [(line, message) for line, message in drops(report)]
    # The event trigger, once created, fires on the DDL after it too (CREATE TABLE, CREATE POLICY):
    # PostgreSQL runs e() at their ddl_command_end.
    fired = [(line, message) for line, message in found if "which CREATE" in message or "which DROP" in message]
    check({line for line, _ in fired} == {11, 12}, f"the event trigger fires on the DDL after it: {fired}")
    found = [(line, message) for line, message in found if (line, message) not in fired]
    lines = [line for line, _ in found]
    check(lines == [3, 6, 8, 10, 12], f"drop-table at the operator, cast, aggregate, event trigger and policy: {found}")
    check("operator \"===\"" in found[0][1] and "wherever it is used" in found[0][1], f"operator: {found[0]}")
    check("cast" in found[1][1], f"cast: {found[1]}")
    check("aggregate agg" in found[2][1], f"aggregate: {found[2]}")
    check("event trigger et" in found[3][1], f"event trigger: {found[3]}")
    check("policy p on t" in found[4][1], f"policy: {found[4]}")


def scenario_unknown_attached(binary, tmp):
    """A function whose body is not known, attached: unknown at the attaching statement, as a direct call."""
    sql = ("CREATE TABLE t (id uuid DEFAULT gen_random_uuid(), x int DEFAULT app.next_x());\n"
           "CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION app.audit();\n"
           "CREATE VIEW v AS SELECT app.secret() AS s;\nCREATE INDEX ON t (lower(x::text));\n")
    report, text = analyze(binary, tmp, sql)
    unknown = sorted(f["start"]["line"] for f in findings(report) if f["rule"] == "unknown-statement")
    check(unknown == [1, 2, 3], f"unknown-statement at lines 1, 2, 3: {findings(report)}")
    check(report["summary"]["unknown"] == 3, f"summary: {report['summary']}")


def scenario_attached_many(binary, tmp):
    """Thousands of trigger functions on one table and as many writes: linear, and unknown past the limit."""
    parts = ["CREATE TABLE t (x int);\nCREATE TABLE audit (x int);\n"]
    for i in range(3000):
        parts.append(f"CREATE FUNCTION g{i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (1); "
                     f"RETURN NEW; END $$;\nCREATE TRIGGER tr{i} AFTER INSERT ON t EXECUTE FUNCTION g{i}();\n"
                     "INSERT INTO t VALUES (1);\n")
    parts.append("INSERT INTO t VALUES (2);\n" * 20000)
    started = time.monotonic()
    report, _ = analyze(binary, tmp, "".join(parts))
    elapsed = time.monotonic() - started
    check(elapsed < 60, f"took {elapsed:.1f}s")
    statements = report["files"][0]["statements"]
    check(statements[-1]["status"] == "unknown", f"the last INSERT: {statements[-1]['status']} {statements[-1]['notes'][:3]}")
    check(any("audit" == l["relation"] for l in statements[4]["locks"]), f"the first INSERT: {statements[4]['locks']}")


SCENARIOS = {
    "attached_many": scenario_attached_many,
    "column_default": scenario_column_default,
    "generated_and_check": scenario_generated_and_check,
    "trigger": scenario_trigger,
    "trigger_recursion": scenario_trigger_recursion,
    "ordinary_trigger": scenario_ordinary_trigger,
    "view": scenario_view,
    "index": scenario_index,
    "operator_cast_aggregate": scenario_operator_cast_aggregate,
    "unknown_attached": scenario_unknown_attached,
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
