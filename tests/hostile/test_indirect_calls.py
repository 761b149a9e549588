"""Functions a statement runs through a domain's CHECK where the domain is not the type written
(issue #53 item 6, indirect execution): an earlier migration made guard(), whose body deletes
every order, a domain `guarded` whose CHECK calls it, a composite type and a range over it, and
tables with an expression index or extended statistics casting to it or calling guard(). A pull
request on a real git repository (`--changed-since main`) converts a value to the composite or
range type, writes a column of it, builds an index casting to the domain, or re-evaluates an
existing index expression (ANALYZE, VACUUM (ANALYZE), REINDEX, an INSERT) or statistics
expression (ANALYZE). Each must fail `pgfence analyze --ci --unknown block --max-risk low` with
the DELETE found inside guard(); the control (a domain without function calls inside a composite,
an ordinary generated column, ANALYZE and REINDEX of indexes that call nothing of ours, plain
VACUUM, REINDEX of a table whose statistics, not indexes, call guard()) must pass. PostgreSQL
15.20 runs guard() in each: the attribute's or bound's value is converted to the domain
(record_in, ROW(...)::t, range_in); an index expression is evaluated at its build, every INSERT,
REINDEX, CLUSTER, VACUUM FULL and ANALYZE, a statistics expression at ANALYZE only (a log table
guard() writes grew by the rows each time; plain VACUUM left it).

    test_indirect_calls.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared

PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"

INIT = """CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, qty int);
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
CREATE FUNCTION guard(x int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN true; END $$;
CREATE DOMAIN guarded AS int CHECK (guard(VALUE));
CREATE TYPE pair AS (a guarded, b int);
CREATE TYPE grange AS RANGE (subtype = guarded);
CREATE TYPE outer_pair AS (p pair, note text);
CREATE TYPE later AS (b int);
ALTER TYPE later ADD ATTRIBUTE a guarded;
CREATE TABLE holders (id bigint PRIMARY KEY, p pair, pa pair[], n int);
CREATE TABLE stock (id bigint PRIMARY KEY, n int);
CREATE INDEX stock_guarded ON stock ((n::guarded));
CREATE TABLE stock2 (id bigint PRIMARY KEY, n int);
CREATE INDEX stock2_guard ON stock2 ((guard(n)));
CREATE TABLE stock3 (id bigint PRIMARY KEY, n int);
CREATE STATISTICS stock3_s ON (n::guarded), (guard(n)), id FROM stock3;
CREATE DOMAIN plain AS int CHECK (VALUE > 0);
CREATE TYPE plain_pair AS (a plain, b int);
CREATE TABLE plain_holders (id bigint PRIMARY KEY, p plain_pair);
CREATE INDEX users_email_lower ON users (lower(email));
"""

OPTIONS = ("--unknown", "block", "--max-risk", "low")
CAUGHT = ("delete-without-where", "guard()")

# scenario: {name: the pull request's migration}
PULL_REQUESTS = {
    "composite": {
        "row_cast": "SELECT ROW(1, 2)::pair;\n",
        "text_cast": "SELECT '(1,2)'::pair;\n",
        "nested_composite": "SELECT '(\"(1,2)\",x)'::outer_pair;\n",
        "insert_column": "INSERT INTO holders (id, p) VALUES (1, ROW(1, 2));\n",
        "insert_array_column": "INSERT INTO holders (id, pa) VALUES (2, ARRAY[ROW(1, 2)]::pair[]);\n",
        "update_field": "UPDATE holders SET p.b = 3 WHERE id = 1;\n",
        "copy": "COPY holders (id, p) FROM STDIN;\n",
        "new_table": "CREATE TABLE more_holders (id bigint PRIMARY KEY, p pair);\n"
                     "INSERT INTO more_holders VALUES (1, ROW(1, 2));\n",
        "range_cast": "SELECT '[1,5)'::grange;\n",
        "domain_over_composite": "CREATE DOMAIN dpair AS pair;\nSELECT ROW(1, 2)::dpair;\n",
        "attribute_added": "SELECT ROW(1, 2)::later;\n",
        "alter_column_type": "ALTER TABLE holders ALTER COLUMN n TYPE pair USING ROW(n, n);\n",
    },
    "index_rebuild": {
        "new_index_cast": "CREATE INDEX CONCURRENTLY users_qty_guarded ON users ((qty::guarded));\n",
        "new_partial_index_cast": "CREATE INDEX CONCURRENTLY users_qty_some ON users (id) WHERE (qty::guarded) > 0;\n",
        "exclusion_cast": "ALTER TABLE users ADD CONSTRAINT users_qty_ex EXCLUDE USING btree ((qty::guarded) WITH =);\n",
        "insert_cast_index": "INSERT INTO stock VALUES (1, 1);\n",
        "analyze": "ANALYZE stock;\n",
        "analyze_function_index": "ANALYZE stock2;\n",
        "vacuum_analyze": "VACUUM (ANALYZE) stock;\n",
        "analyze_statistics": "ANALYZE stock3;\n",
        "reindex_table": "REINDEX TABLE CONCURRENTLY stock;\n",
        "reindex_index": "REINDEX INDEX CONCURRENTLY stock2_guard;\n",
    },
}

CONTROL = """SELECT ROW(1, 2)::plain_pair;
INSERT INTO plain_holders (id, p) VALUES (1, ROW(1, 2));
CREATE TABLE totals (id bigint PRIMARY KEY, a int, doubled int GENERATED ALWAYS AS (a * 2) STORED, p plain_pair);
INSERT INTO totals (id, a, p) VALUES (1, 2, ROW(1, 2));
VACUUM stock;
ANALYZE users;
REINDEX TABLE CONCURRENTLY users;
REINDEX TABLE CONCURRENTLY stock3;
"""


# Only the pull request's file is judged (--changed-since main): the schema's ALTER TYPE ... ADD
# ATTRIBUTE has findings of its own.
SUITE = shared.Suite(PREAMBLE, INIT, changed_only=True)


def run(binary, tmp, scenario):
    caught = {name: (sql, *CAUGHT) for name, sql in PULL_REQUESTS[scenario].items()}
    SUITE.expect_caught(binary, tmp, caught, "run guard() through a domain", OPTIONS)


def scenario_control(binary, tmp):
    SUITE.expect_clean(binary, tmp, CONTROL, OPTIONS)


SCENARIOS = {name: (lambda binary, tmp, name=name: run(binary, tmp, name)) for name in PULL_REQUESTS}
SCENARIOS["control"] = scenario_control

if __name__ == "__main__":
    sys.exit(shared.main(SCENARIOS))
