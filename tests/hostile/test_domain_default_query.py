"""A domain's DEFAULT reaching a column CREATE TABLE AS or SELECT INTO types from its query, with no
cast (issue 53, after R87b F6): a column of a table, of a view, a function's result, a UNION, a
subquery, a CTE. Each seen on PostgreSQL 15 (WITH NO DATA and SELECT INTO; pg_attribute gave the
new column the domain's type, and the INSERT that gave it no value ran the DEFAULT, leaving
lock_timeout 0). A column whose type pgfence cannot know while such a domain exists makes the
statement unknown at its line; with no such domain, an ordinary CREATE TABLE AS stays clean.

    test_domain_default_query.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import main  # noqa: E402
from test_attached_set_config import PATH, QUIET, sql, timeout_kept, zero  # noqa: E402
from test_session_in_routines import gate  # noqa: E402

SHAPE = "CREATE TABLE shape (id int, q quiet);"
INSERT = "INSERT INTO marks (id) VALUES (1);"


def reaches(s, *lines):
    lines = (QUIET, SHAPE) + lines + (INSERT,)
    gate(s, {PATH: sql(*lines)}, zero(lines))


def table_column(s):
    """A column of a table the migrations made, named in the target list."""
    reaches(s, "CREATE TABLE marks AS SELECT id, q FROM shape WITH NO DATA;")


def view_column(s):
    """A column of a view over that table, through its star."""
    reaches(s, "CREATE VIEW shaped AS SELECT * FROM shape;", "CREATE TABLE marks AS SELECT s.id, s.q FROM shaped s WITH NO DATA;")


def function_result(s):
    """A function of the migrations declared RETURNS the domain (in the target list and in FROM)."""
    reaches(s, "CREATE FUNCTION stamp() RETURNS quiet LANGUAGE sql AS $$ SELECT NULL::quiet $$;",
            "CREATE TABLE marks AS SELECT 1 AS id, x AS q FROM stamp() x WITH NO DATA;")


def select_into_union(s):
    """SELECT INTO a UNION of the domain's column with itself (PostgreSQL keeps the type they share)."""
    reaches(s, "SELECT id, q INTO marks FROM shape UNION SELECT id, q FROM shape;")


def subquery_cte(s):
    """A CTE over a subquery over the table; the AS list renames the column."""
    reaches(s, "CREATE TABLE marks (id, r) AS WITH c AS (SELECT * FROM (SELECT id, q FROM shape) s) SELECT id, q FROM c WITH NO DATA;")


def deletes_users(s):
    """The brief's repro: the DEFAULT calls a function of the migrations that drops a table; the
    INSERT into the copy made by CREATE TABLE AS from a COALESCE of the column runs it."""
    head = ("CREATE FUNCTION tag() RETURNS text LANGUAGE plpgsql AS $$ BEGIN DROP TABLE orders; RETURN 'x'; END $$;\n"
            "CREATE DOMAIN tagged AS text DEFAULT tag();\nCREATE TABLE shape (id int, t tagged);\n"
            "CREATE TABLE notes AS SELECT id, COALESCE(t, t) AS t FROM shape WITH NO DATA;\n"
            "SET lock_timeout = '2s';\nINSERT INTO notes (id) VALUES (1);\nRESET lock_timeout;\n")
    gate(s, {PATH: head}, {(PATH, "drop-table", 6)})


def unknown_source(s):
    """A column of a table these migrations did not make, or a CASE over the domain's column (PostgreSQL
    15 gave k1.q quiet: every branch is of it), which pgfence does not type: while quiet exists,
    each statement is unknown at its line."""
    lines = (QUIET, SHAPE, "CREATE TABLE m1 AS SELECT id, q FROM elsewhere WITH NO DATA;",
             "SELECT id, CASE WHEN id > 0 THEN q ELSE q END AS q INTO m2 FROM shape;")
    gate(s, {PATH: sql(*lines)}, {(PATH, "unknown-statement", 4), (PATH, "unknown-statement", 5)})


def user_operator(s):
    """An operator or an aggregate the migrations made returns what its function says: here the
    domain, over plain int arguments. pgfence does not type them: while quiet exists, unknown."""
    lines = (QUIET, SHAPE, "CREATE FUNCTION qop(int, int) RETURNS quiet LANGUAGE sql AS $$ SELECT NULL::quiet $$;",
             "CREATE OPERATOR ### (LEFTARG = int, RIGHTARG = int, FUNCTION = qop);",
             "CREATE TABLE m1 AS SELECT id, id ### id AS q FROM shape WITH NO DATA;",
             "CREATE FUNCTION qstep(quiet, int) RETURNS quiet LANGUAGE sql AS $$ SELECT $1 $$;",
             "CREATE AGGREGATE qagg(int) (SFUNC = qstep, STYPE = quiet);",
             "SELECT qagg(id) AS q INTO m2 FROM shape;")
    gate(s, {PATH: sql(*lines)}, {(PATH, "unknown-statement", 6), (PATH, "unknown-statement", 9)})


def query_control(s):
    """No false unknown: with no domain whose DEFAULT does something, a CREATE TABLE AS from a table
    pgfence does not know stays clean; with one, columns of known types other than it do too."""
    timeout_kept(s, sql("CREATE DOMAIN plain AS text DEFAULT 'p';", "CREATE TABLE m1 AS SELECT id, name FROM elsewhere WITH NO DATA;",
                        "SELECT * INTO m2 FROM elsewhere;", "INSERT INTO m1 (id) VALUES (1);") + "RESET lock_timeout;\n")


def known_control(s):
    timeout_kept(s, sql(QUIET, "CREATE TABLE shape (id int, name text, q quiet DEFAULT 'x');",
                        "CREATE TABLE m1 AS SELECT id, upper(name) AS name, now() AS at, 1 AS n FROM shape WITH NO DATA;",
                        "SELECT s.id INTO m2 FROM shape s JOIN shape t USING (id);", "INSERT INTO m1 (id) VALUES (1);") +
                 "RESET lock_timeout;\n")


SCENARIOS = {f.__name__: f for f in (table_column, user_operator, view_column, function_result, select_into_union, subquery_cte, deletes_users,
                                     unknown_source, query_control, known_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
