"""A table dropped and made again, empty, in one transaction loses every row it held (issue #53,
red team h2 DROPRECREATETX: PostgreSQL 15 reports went from 1000 rows to 0): drop-table HIGH, as
when it is made again in another transaction, so the pull request fails `pgfence pr` (against the
GitHub double) at the default --max-risk. A copy renamed into the name keeps its rows (MEDIUM,
tests/rules/drop-table).

A routine dropped and made again (not CREATE OR REPLACE) without the SECURITY DEFINER and SET
search_path it had is the change function-options-changed reports on CREATE OR REPLACE (red team
R71 F7, PostgreSQL 15: prosecdef false, proconfig and proacl NULL, the application's role gets
"permission denied for table users"): HIGH at the CREATE, in the same file or the next file of the
pull request.

    test_drop_recreate.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import main  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_link_targets import gated  # noqa: E402


def in_one_transaction(s):
    base = {"migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                                       "CREATE TABLE reports (id bigint PRIMARY KEY, body text);\n"}
    head = {"migrations/002_reports.sql": "BEGIN;\nSET LOCAL lock_timeout = '2s';\nDROP TABLE reports;\n"
                                          "CREATE TABLE reports (id bigint PRIMARY KEY, body text, kind text);\nCOMMIT;\n"}
    gated(s, base, {}, head, {("migrations/002_reports.sql", "drop-table", 3)})


ROUTINE_BASE = {"db/migrations/0001_init.sql":
                "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
                "REVOKE ALL ON users FROM PUBLIC;\n"
                "CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public\n"
                "  AS $$ SELECT count(*) FROM users $$;\n"
                "GRANT EXECUTE ON FUNCTION user_count() TO app;\n"}
ROUTINE_AGAIN = "CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql\n  AS $$ SELECT count(*) FROM users $$;\n"


def routine_made_again(s):
    gated(s, ROUTINE_BASE, {}, {"db/migrations/0002_user_count.sql": "-- reformat user_count\nDROP FUNCTION user_count();\n" + ROUTINE_AGAIN},
          {("db/migrations/0002_user_count.sql", "function-options-changed", 3)})


def routine_made_again_next_file(s):
    gated(s, ROUTINE_BASE, {}, {"db/migrations/0002_drop.sql": "DROP FUNCTION IF EXISTS user_count;\n",
                                "db/migrations/0003_user_count.sql": ROUTINE_AGAIN},
          {("db/migrations/0003_user_count.sql", "function-options-changed", 1)})


SCENARIOS = {f.__name__: f for f in (in_one_transaction, routine_made_again, routine_made_again_next_file)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
