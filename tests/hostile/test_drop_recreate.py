"""A table dropped and made again, empty, in one transaction loses every row it held (issue #53,
red team h2 DROPRECREATETX: PostgreSQL 15 reports went from 1000 rows to 0): drop-table HIGH, as
when it is made again in another transaction, so the pull request fails `pgfence pr` (against the
GitHub double) at the default --max-risk. A copy renamed into the name keeps its rows (MEDIUM,
tests/rules/drop-table).

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


SCENARIOS = {f.__name__: f for f in (in_one_transaction,)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
