"""PostgreSQL's own set_config() written straight into an expression it evaluates later (red team
R83b H2): a column DEFAULT, a CHECK, a view, a domain's CHECK (a column of it, or a generated
column through a cast to it), a policy. The statement that evaluates it changes lock_timeout for the
session ("Configuration Settings Functions": set_config sets the parameter; is_local true only for
the current transaction). Each migration below left the 2s lock_timeout at 0 on PostgreSQL 15.20
(SHOW lock_timeout before the ALTER gave 0); pgfence must report the ALTER the timeout no longer
guards, in pr and in analyze, and a value or name it cannot read as unknown where it runs. A
set_config() of an application setting ('app.user_id') and an index rebuild (which restores the
settings) stay clean. A DEFAULT PostgreSQL copies to another table (LIKE ... INCLUDING DEFAULTS,
INHERITS, PARTITION OF, a parent's ALTER COLUMN SET DEFAULT) runs on the copy's INSERT (R85a F4), and
a domain's DEFAULT on the INSERT into a column of it without a DEFAULT of its own.

    test_attached_set_config.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_session_in_routines import gate  # noqa: E402
from test_tool_reach import repository, run  # noqa: E402

PATH = "migrations/002_audit.sql"
ALTER = "ALTER TABLE orders ADD COLUMN note text;\n"


def sql(*lines):
    """SET lock_timeout = '2s', the lines, then the ALTER (its line: len(lines) + 2)."""
    return "SET lock_timeout = '2s';\n" + "".join(line + "\n" for line in lines) + ALTER


def zero(lines):
    return {(PATH, "lock-timeout-zero", len(lines) + 2)}


def column_default(s):
    """The report's repro: note's DEFAULT runs set_config('lock_timeout', '0', false) on the INSERT."""
    lines = ("CREATE TABLE audit (at timestamptz DEFAULT now(), note text DEFAULT set_config('lock_timeout', '0', false), who text);",
             "INSERT INTO audit (who) VALUES ('deploy');")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def check_constraint(s):
    """A CHECK that calls set_config runs on the INSERT."""
    lines = ("CREATE TABLE z3 (b int CHECK (set_config('lock_timeout', '0', false) IS NOT NULL));", "INSERT INTO z3 VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def view_select(s):
    """A view's target list calls set_config: the SELECT from the view runs it."""
    lines = ("CREATE VIEW v AS SELECT set_config('lock_timeout', '0', false) AS x;", "SELECT * FROM v;")
    gate(s, {PATH: sql(*lines)}, zero(lines))


DOMAIN = "CREATE DOMAIN nz AS int CHECK (set_config('lock_timeout', '0', false) IS NOT NULL);"


def domain_check(s):
    """A column of a domain whose CHECK calls set_config: the INSERT converts its value to the domain."""
    lines = (DOMAIN, "CREATE TABLE dt (a nz);", "INSERT INTO dt VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def generated_column(s):
    """A generated column must be immutable, so set_config() itself is refused there; a cast to the
    domain is not, and the INSERT that computes the column runs the domain's CHECK."""
    lines = (DOMAIN, "CREATE TABLE g (a int, b int GENERATED ALWAYS AS (a::nz) STORED);", "INSERT INTO g (a) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def policy_read(s):
    """A policy's USING calls set_config; with FORCE ROW LEVEL SECURITY it applies to the owner's SELECT."""
    lines = ("CREATE TABLE pt (a int);", "ALTER TABLE pt ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;",
             "CREATE POLICY p ON pt USING (set_config('lock_timeout', '0', false) IS NOT NULL);", "SELECT count(*) FROM pt;")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def computed_value(s):
    """The DEFAULT's value is the inserted row's: unknown at the INSERT, and the ALTER is not guarded."""
    lines = ("CREATE TABLE z4 (a text, b text DEFAULT set_config('lock_timeout', a, false));", "INSERT INTO z4 (a) VALUES ('0');")
    gate(s, {PATH: sql(*lines)}, {(PATH, "unknown-statement", 3), (PATH, "lock-timeout-missing", 4)})


def computed_name(s):
    """The DEFAULT sets a setting named by another setting: unknown at the INSERT that runs it."""
    lines = ("CREATE TABLE z6 (a int, b text DEFAULT set_config(current_setting('app.knob'), '0', false));",
             "INSERT INTO z6 (a) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, {(PATH, "unknown-statement", 3)})


def app_setting_control(s):
    """No false alarm: set_config() of an application setting in a DEFAULT, a view and a CHECK, and a
    REINDEX of an index whose expression runs the domain's set_config and a CREATE MATERIALIZED VIEW
    whose query runs set_config (PostgreSQL restores the settings both change: 2s after each on
    15.20), leave the 2s in force. The same
    migration's view of lock_timeout in another file is still reported."""
    base = {"migrations/001_init.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric);\n" + DOMAIN + "\n"
            "CREATE TABLE ix (a int);\nCREATE INDEX ix_nz ON ix ((a::nz));\n"}
    clean = sql("CREATE TABLE app (a int, who text DEFAULT set_config('app.user_id', 'deploy', false));",
                "CREATE VIEW tenant AS SELECT set_config('app.tenant', '7', true) AS t;",
                "CREATE TABLE chk (a int CHECK (set_config('app.seen', a::text, false) IS NOT NULL));",
                "INSERT INTO app (a) VALUES (1);", "SELECT * FROM tenant;", "INSERT INTO chk VALUES (1);",
                "REINDEX TABLE ix;", "CREATE MATERIALIZED VIEW mv AS SELECT set_config('lock_timeout', '0', false) AS x;") + \
        "RESET lock_timeout;\n"
    flagged = "SET lock_timeout = '2s';\nCREATE VIEW v AS SELECT set_config('lock_timeout', '0', false) AS x;\nSELECT * FROM v;\n" + \
              "ALTER TABLE orders ADD COLUMN memo text;\n"
    repository(s, base, {PATH: clean, "migrations/003_memo.sql": flagged})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    report = json.loads(proc.stdout)
    rules = {(f["path"], x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]}
    for rule in ("lock-timeout-missing", "lock-timeout-zero", "unknown-statement"):
        check(not any(r[0] == "./" + PATH and r[1] == rule for r in rules), f"no {rule} in {PATH}: {sorted(rules)}")
    check(("./migrations/003_memo.sql", "lock-timeout-zero", 4) in rules, f"the view's set_config is read: {sorted(rules)}")


AUDIT = "CREATE TABLE audit (who text DEFAULT set_config('lock_timeout', '0', false), x int);"


def copied_like(s):
    """R85a F4: LIKE ... INCLUDING DEFAULTS (and INCLUDING ALL) copies the DEFAULT; the INSERT into
    the copy ran it (lock_timeout 0 on PostgreSQL 15.20)."""
    lines = (AUDIT, "CREATE TABLE a2 (LIKE audit INCLUDING DEFAULTS);", "CREATE TABLE a3 (LIKE audit INCLUDING ALL);",
             "INSERT INTO a3 (x) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def copied_inherits(s):
    """An INHERITS child, and its own child, have the parent's DEFAULT: the grandchild's INSERT runs it."""
    lines = (AUDIT, "CREATE TABLE a2 () INHERITS (audit);", "CREATE TABLE a3 () INHERITS (a2);", "INSERT INTO a3 (x) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def copied_partition(s):
    """A partition has the partitioned table's DEFAULT: an INSERT straight into it runs it."""
    lines = ("CREATE TABLE audit (who text DEFAULT set_config('lock_timeout', '0', false), x int) PARTITION BY RANGE (x);",
             "CREATE TABLE a2 PARTITION OF audit FOR VALUES FROM (0) TO (100);", "INSERT INTO a2 (x) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def parent_default_later(s):
    """ALTER TABLE parent ALTER COLUMN SET DEFAULT (no ONLY) sets it on the partitions and children
    made before, even one with a DEFAULT of its own (PostgreSQL 15.20: 0 after each one's INSERT).
    lock-timeout-zero is reported once a file: a file each."""
    part = ("CREATE TABLE audit (who text, x int) PARTITION BY RANGE (x);", "CREATE TABLE a2 PARTITION OF audit FOR VALUES FROM (0) TO (100);",
            "ALTER TABLE audit ALTER COLUMN who SET DEFAULT set_config('lock_timeout', '0', false);", "INSERT INTO a2 (x) VALUES (1);")
    child = ("CREATE TABLE log (who text, x int);", "CREATE TABLE log2 (who text DEFAULT 'x') INHERITS (log);",
             "ALTER TABLE log ALTER COLUMN who SET DEFAULT set_config('lock_timeout', '0', false);", "INSERT INTO log2 (x) VALUES (1);")
    logs = "migrations/003_log.sql"
    gate(s, {PATH: sql(*part), logs: sql(*child)}, zero(part) | {(logs, "lock-timeout-zero", len(child) + 2)})


def timeout_kept(s, clean):
    """analyze of `clean` after a migration that makes orders: no timeout finding and nothing unknown in it."""
    repository(s, {"migrations/001_init.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY);\n"}, {PATH: clean})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    report = json.loads(proc.stdout)
    rules = {(f["path"], x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]}
    for rule in ("lock-timeout-missing", "lock-timeout-zero", "unknown-statement"):
        check(not any(r[0] == "./" + PATH and r[1] == rule for r in rules), f"no {rule} in {PATH}: {sorted(rules)}")


def copied_default_control(s):
    """No false alarm, each left 2s on PostgreSQL 15.20: LIKE without INCLUDING DEFAULTS, INCLUDING
    ALL EXCLUDING DEFAULTS, a child whose own DEFAULT replaces the parent's, and a child of a parent
    given the DEFAULT with ALTER TABLE ONLY."""
    clean = sql(AUDIT, "CREATE TABLE a2 (LIKE audit);", "CREATE TABLE a3 (LIKE audit INCLUDING ALL EXCLUDING DEFAULTS);",
                "CREATE TABLE a4 (who text DEFAULT 'x') INHERITS (audit);",
                "CREATE TABLE r (who text, x int);", "CREATE TABLE r1 () INHERITS (r);",
                "ALTER TABLE ONLY r ALTER COLUMN who SET DEFAULT set_config('lock_timeout', '0', false);",
                "INSERT INTO a2 (x) VALUES (1);", "INSERT INTO a3 (x) VALUES (1);", "INSERT INTO a4 (x) VALUES (1);",
                "INSERT INTO r1 (x) VALUES (1);") + "RESET lock_timeout;\n"
    timeout_kept(s, clean)


QUIET = "CREATE DOMAIN quiet AS text DEFAULT set_config('lock_timeout', '0', false);"


def domain_default(s):
    """A column of a domain whose DEFAULT calls set_config, with no DEFAULT of its own: the INSERT
    fills it from the domain's (PostgreSQL 15.20: lock_timeout 0 after it)."""
    lines = (QUIET, "CREATE TABLE marks (id int, q quiet);", "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_over_domain_default(s):
    """A domain made over that one without a DEFAULT of its own has its base's (typecmds.c DefineDomain)."""
    lines = (QUIET, "CREATE DOMAIN quieter AS quiet;", "CREATE TABLE marks (id int, q quieter);", "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_later(s):
    """ALTER DOMAIN ... SET DEFAULT reaches the columns of the domain made before, in an earlier migration."""
    base = {"migrations/001_init.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY);\nCREATE DOMAIN plain AS text;\n"
                                       "CREATE TABLE later (id int, p plain);\n"}
    lines = ("ALTER DOMAIN plain SET DEFAULT set_config('lock_timeout', '0', false);", "INSERT INTO later (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines), base=base)


def domain_default_function_drops(s):
    """The domain's DEFAULT calls a function of the migrations that drops a table: the INSERT runs it."""
    head = ("CREATE FUNCTION tag() RETURNS text LANGUAGE plpgsql AS $$ BEGIN DROP TABLE orders; RETURN 'x'; END $$;\n"
            "CREATE DOMAIN tagged AS text DEFAULT tag();\nCREATE TABLE notes (id int, t tagged);\n"
            "SET lock_timeout = '2s';\nINSERT INTO notes (id) VALUES (1);\nRESET lock_timeout;\n")
    gate(s, {PATH: head}, {(PATH, "drop-table", 5)})


def domain_default_control(s):
    """No false alarm: a column of the domain with a DEFAULT of its own keeps it (2s after its INSERT
    on PostgreSQL 15.20), and a domain made over another with a DEFAULT of its own."""
    clean = sql(QUIET, "CREATE TABLE own (id int, q quiet DEFAULT 'x');", "CREATE DOMAIN named AS quiet DEFAULT 'n';",
                "CREATE TABLE other (id int, q named);", "INSERT INTO own (id) VALUES (1);", "INSERT INTO other (id) VALUES (1);") + \
        "RESET lock_timeout;\n"
    timeout_kept(s, clean)


# Where a column's own default gives way to its domain's (R86b F5). Each seen on PostgreSQL 15: the
# INSERT after it left lock_timeout 0, and the ALTER after that waited behind a reader past 2s.
def domain_default_typed_table(s):
    """CREATE TABLE ... OF a composite type one of whose attributes is of the domain."""
    lines = (QUIET, "CREATE TYPE mark_row AS (id int, q quiet);", "CREATE TABLE marks OF mark_row;", "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_added_attribute(s):
    """ALTER TYPE ... ADD ATTRIBUTE of the domain CASCADE gives its typed tables the column; the
    domain's DEFAULT calls a function that drops a table, which the INSERT into the typed table runs
    (the ADD ATTRIBUTE itself, taken as running it over existing rows, was reported before)."""
    head = ("CREATE FUNCTION tag() RETURNS text LANGUAGE plpgsql AS $$ BEGIN DROP TABLE orders; RETURN 'x'; END $$;\n"
            "CREATE DOMAIN tagged AS text DEFAULT tag();\nCREATE TYPE mark_row AS (id int);\nCREATE TABLE marks OF mark_row;\n"
            "ALTER TYPE mark_row ADD ATTRIBUTE t tagged CASCADE;\n"
            "SET lock_timeout = '2s';\nINSERT INTO marks (id) VALUES (1);\nRESET lock_timeout;\n")
    gate(s, {PATH: head}, {(PATH, "drop-table", 7)})


def domain_default_column_type(s):
    """ALTER COLUMN ... TYPE the domain, on a column without a DEFAULT of its own."""
    lines = (QUIET, "CREATE TABLE marks (id int, q text);", "ALTER TABLE marks ALTER COLUMN q TYPE quiet;",
             "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_dropped_own(s):
    """ALTER COLUMN ... DROP DEFAULT on a column of the domain: the domain's DEFAULT applies again."""
    lines = (QUIET, "CREATE TABLE marks (id int, q quiet DEFAULT 'x');", "ALTER TABLE marks ALTER COLUMN q DROP DEFAULT;",
             "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_reach_control(s):
    """No false alarm, each left 2s on PostgreSQL 15: ALTER COLUMN TYPE keeps the column's own DEFAULT
    (the docs' ALTER TABLE), a typed table's `WITH OPTIONS DEFAULT`, and SET DEFAULT NULL on a column
    of the domain (a NULL coerced to the domain is stored as the column's default: the INSERT gives NULL)."""
    clean = sql(QUIET, "CREATE TABLE m1 (id int, q text DEFAULT 'own');", "ALTER TABLE m1 ALTER COLUMN q TYPE quiet;",
                "CREATE TYPE mark_row AS (id int, q quiet);", "CREATE TABLE m2 OF mark_row (q WITH OPTIONS DEFAULT 'own');",
                "CREATE TABLE m3 (id int, q quiet DEFAULT 'x');", "ALTER TABLE m3 ALTER COLUMN q SET DEFAULT NULL;",
                "INSERT INTO m1 (id) VALUES (1);", "INSERT INTO m2 (id) VALUES (1);", "INSERT INTO m3 (id) VALUES (1);") + \
        "RESET lock_timeout;\n"
    timeout_kept(s, clean)


# New tables whose columns take the domain's type without a DEFAULT of their own (R87b F6); each
# seen on PostgreSQL 15 (the repro's DELETE in the domain's DEFAULT ran on the INSERT).
def domain_default_like(s):
    """LIKE without INCLUDING DEFAULTS: the copy's column of the domain has no DEFAULT, so the domain's fills it."""
    lines = (QUIET, "CREATE TABLE shape (id int, q quiet DEFAULT 'x');", "CREATE TABLE marks (LIKE shape);",
             "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_like_including(s):
    """LIKE ... INCLUDING DEFAULTS of a source column with no DEFAULT of its own."""
    lines = (QUIET, "CREATE TABLE shape (id int, q quiet);", "CREATE TABLE marks (LIKE shape INCLUDING DEFAULTS);",
             "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_ctas(s):
    """CREATE TABLE AS with a cast to the domain in its target list (column names from the AS list)."""
    lines = (QUIET, "CREATE TABLE marks (id, r) AS SELECT 1 AS id, NULL::quiet AS q WITH NO DATA;",
             "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_select_into(s):
    """SELECT ... INTO with an unnamed cast to the domain (PostgreSQL names the column after the type)."""
    lines = (QUIET, "SELECT 1 AS id, NULL::quiet INTO marks WHERE false;", "INSERT INTO marks (id) VALUES (1);")
    gate(s, {PATH: sql(*lines)}, zero(lines))


def domain_default_new_table_control(s):
    """No false alarm: LIKE ... INCLUDING DEFAULTS keeps the source column's own DEFAULT, and a cast
    to a domain without a DEFAULT."""
    clean = sql(QUIET, "CREATE DOMAIN plain AS text;", "CREATE TABLE shape (id int, q quiet DEFAULT 'x');",
                "CREATE TABLE m1 (LIKE shape INCLUDING DEFAULTS);", "CREATE TABLE m2 AS SELECT 1 AS id, NULL::plain AS p WITH NO DATA;",
                "INSERT INTO m1 (id) VALUES (1);", "INSERT INTO m2 (id) VALUES (1);") + "RESET lock_timeout;\n"
    timeout_kept(s, clean)


SCENARIOS = {f.__name__: f for f in (column_default, check_constraint, view_select, domain_check, generated_column, policy_read,
                                     computed_value, computed_name, app_setting_control, copied_like, copied_inherits,
                                     copied_partition, parent_default_later, copied_default_control, domain_default,
                                     domain_over_domain_default, domain_default_later, domain_default_function_drops,
                                     domain_default_control, domain_default_typed_table, domain_default_added_attribute,
                                     domain_default_column_type, domain_default_dropped_own, domain_default_reach_control,
                                     domain_default_like, domain_default_like_including, domain_default_ctas,
                                     domain_default_select_into, domain_default_new_table_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
