"""Functions that run later, or in positions a walk by statement kind misses (red team e, sections
N and O): an earlier migration made wipe(), whose body deletes every order; a pull request on a real
git repository wires a function that writes into an object the application uses (a view, a
column's or domain's DEFAULT, a NOT VALID CHECK, a generated column, an index expression, a
trigger's WHEN, a policy), or calls wipe() where it runs now but from a position pgfence did not
follow (a PL/pgSQL assignment target's subscript, a parameter's DEFAULT, PREPARE, EXPLAIN
ANALYZE). Each must fail `pgfence analyze --ci --changed-since main` with a HIGH finding of the
named rule whose message holds the word; the control (the same calls stored into objects the pull
request makes, a function that only reads, a trigger keeping another table in step) must pass.
PostgreSQL 15.20 runs each of these on the application's next read or write, or at once: orders
2 -> 0 (the red team's VIEWWIPE, DEFAULTWIPE, CHECKWIPE, PLSUBSCRIPT, PROCDEFAULT, FNARGDEFAULT; and
the view made again, the scalar subquery of a SQL-language body, the trigger's WHEN, ALTER POLICY,
the domain's DEFAULT, CREATE STATISTICS at ANALYZE, PREPARE/EXECUTE, EXPLAIN ANALYZE, checked the
same way); the control's new table with DEFAULT wipe() leaves them.

    test_stored_calls.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared
from schema_pull_requests import analyze_report, check

PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"

INIT = """CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE audit (at timestamptz, what text);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_all ON users USING (true);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE things (id bigserial PRIMARY KEY, qty posint);
CREATE VIEW v_things AS SELECT * FROM things;
CREATE FUNCTION wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN 1; END $$;
CREATE FUNCTION label() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'x' $$;
CREATE VIEW v_users AS SELECT u.*, label() AS l FROM users u;
"""

NEW_WIPER = "CREATE FUNCTION wipe2() RETURNS int LANGUAGE sql IMMUTABLE AS $$ DELETE FROM orders; SELECT 1 $$;\n"

# scenario: {name: (the pull request's migration, the rule it must raise, a word its message must hold)}
PULL_REQUESTS = {
    "stored": {
        "view": ("CREATE OR REPLACE VIEW v_things AS SELECT t.*, wipe() AS w FROM things t;\n",
                 "stored-call-writes", "view v_things"),
        "view_made_again": ("DROP VIEW v_things;\nCREATE VIEW v_things AS SELECT t.*, wipe() AS w FROM things t;\n",
                            "stored-call-writes", "view v_things"),
        "view_subquery_sql_body": (NEW_WIPER + "CREATE OR REPLACE VIEW v_things AS SELECT t.*, (SELECT wipe2()) AS w "
                                   "FROM things t;\n", "stored-call-writes", "wipe2()"),
        "column_default": ("ALTER TABLE users ALTER COLUMN name SET DEFAULT wipe()::text;\n", "stored-call-writes", "users"),
        "check_not_valid": ("ALTER TABLE users ADD CONSTRAINT users_ok CHECK (wipe() = 1) NOT VALID;\n",
                            "stored-call-writes", "users"),
        "domain_default": ("ALTER DOMAIN posint SET DEFAULT wipe();\n", "stored-call-writes", "posint"),
        "generated_column": (NEW_WIPER + "ALTER TABLE users ADD COLUMN g int GENERATED ALWAYS AS (wipe2()) STORED;\n",
                             "stored-call-writes", "users"),
        "index_expression": (NEW_WIPER + "CREATE INDEX CONCURRENTLY users_w ON users ((wipe2() + id));\n",
                             "stored-call-writes", "users_w"),
        "trigger_when": ("CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
                         "CREATE TRIGGER t1 BEFORE INSERT ON users FOR EACH ROW WHEN (wipe() = 1) EXECUTE FUNCTION noop();\n",
                         "stored-call-writes", "trigger t1"),
        "policy": ("CREATE POLICY p2 ON users USING (wipe() = 1);\n", "stored-call-writes", "policy p2"),
        "alter_policy": ("ALTER POLICY users_all ON users USING (wipe() = 1);\n", "stored-call-writes", "users_all"),
        "replaced_body": ("CREATE OR REPLACE FUNCTION label() RETURNS text LANGUAGE sql AS $$ "
                          "UPDATE orders SET total = 0 WHERE total > 0; SELECT 'x' $$;\n", "stored-call-writes", "v_users"),
        "statistics": ("CREATE STATISTICS s1 ON (wipe() + id), email FROM users;\n", "stored-call-writes", "wipe()"),
    },
    "runs_now": {
        "plpgsql_subscript": ("DO $$ DECLARE a int[] := '{1}'; BEGIN a[wipe()] := 1; END $$;\n",
                              "delete-without-where", "orders"),
        "procedure_default": ("CREATE PROCEDURE pr2(INOUT x int DEFAULT wipe()) LANGUAGE plpgsql AS $$ BEGIN END $$;\n"
                              "CALL pr2();\n", "delete-without-where", "orders"),
        "function_default": ("CREATE FUNCTION f4(x int DEFAULT wipe()) RETURNS int LANGUAGE sql AS $$ SELECT x $$;\n"
                             "SELECT f4();\n", "delete-without-where", "orders"),
        "prepare": ("PREPARE p AS SELECT wipe();\nEXECUTE p;\n", "delete-without-where", "orders"),
        "explain_analyze": ("EXPLAIN ANALYZE SELECT wipe();\n", "delete-without-where", "orders"),
    },
}

# Calls stored into objects the pull request makes, a function that only reads, and a trigger on an
# existing table whose function keeps another table in step: nothing above MEDIUM.
CONTROL = """CREATE TABLE drafts (id bigint PRIMARY KEY, n int DEFAULT wipe(), CHECK (wipe() = 1));
CREATE VIEW v_drafts AS SELECT d.*, wipe() AS w FROM drafts d;
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders $$;
CREATE OR REPLACE VIEW v_things AS SELECT t.*, order_count() AS n FROM things t;
CREATE FUNCTION log_user() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (now(), NEW.email); RETURN NEW; END $$;
CREATE TRIGGER users_log AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION log_user();
"""


def run(binary, tmp, scenario):
    repo = shared.repository(tmp, PREAMBLE + INIT)
    failures = []
    for name, (sql, rule, word) in PULL_REQUESTS[scenario].items():
        shared.pull_request(repo, name, PREAMBLE + sql)
        code, report = analyze_report(binary, repo, "--changed-since", "main")
        found = [f for file in report["files"] for f in file["findings"]]
        hits = [f for f in found if f["rule"] == rule and f["risk"].lower() in ("high", "critical") and word in f["message"]]
        if code != 1 or not hits:
            failures.append(f"{name}: exit {code}, findings {[(f['rule'], f['risk'], f['message'][:160]) for f in found]}")
    check(not failures, "pull requests passed --ci:\n" + "\n".join(failures))
    shared.pull_request(repo, "control", PREAMBLE + CONTROL)
    code, report = analyze_report(binary, repo, "--changed-since", "main")
    found = [f for file in report["files"] for f in file["findings"]]
    check(code == 0 and not any(f["rule"] == "stored-call-writes" for f in found),
          f"the control failed --ci: {[(f['rule'], f['risk'], f['message'][:160]) for f in found]}")


if __name__ == "__main__":
    sys.exit(shared.main({name: lambda binary, tmp, name=name: run(binary, tmp, name) for name in PULL_REQUESTS}))
