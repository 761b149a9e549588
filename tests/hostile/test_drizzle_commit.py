"""drizzle-orm's pg migrator runs every pending migration of a deploy in one transaction
(drizzle-orm 0.44 pg-core/dialect.js migrate(): `session.transaction(async (tx) => { for each
migration: tx.execute(stmt) ..., then its row in __drizzle_migrations })`). A `BEGIN; ... COMMIT;`
written in a migration file (dittofeed 0002_spicy_inertia.sql) ends that transaction at its COMMIT:
the later migrations of the deploy run in autocommit (stranger review 87). Reported at the COMMIT;
the later files are analysed as autocommit; a set with no COMMIT stays one transaction (control).
Real git repositories, the real binary, `pgfence pr` against the GitHub double.

    test_drizzle_commit.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_drizzle_journal import BASE, journal  # noqa: E402
from test_history_removed import repository, review  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402

ENTRIES = ((1730000000000, "0000_init"), (1731000000000, "0001_plan"))
SPICY = ('BEGIN;\n\nALTER TABLE "users" ADD COLUMN "parent_id" bigint;--> statement-breakpoint\n'
         'UPDATE "users" u SET "parent_id" = o."user_id" FROM "orders" o WHERE u.id = o.id;\n\nCOMMIT;\n')
PLAIN = ('ALTER TABLE "users" ADD COLUMN "parent_id" bigint;--> statement-breakpoint\n'
         'UPDATE "users" u SET "parent_id" = o."user_id" FROM "orders" o WHERE u.id = o.id;\n')
CONCURRENT = 'CREATE INDEX CONCURRENTLY "orders_user_id_idx" ON "orders" ("user_id");\n'


def head(second, third=None):
    files = {"drizzle/0002_spicy_inertia.sql": second}
    entries = ENTRIES + ((1732600000000, "0002_spicy_inertia"),)
    if third is not None:
        files["drizzle/0003_index.sql"] = third
        entries += ((1732700000000, "0003_index"),)
    files["drizzle/meta/_journal.json"] = journal(*entries)
    return files


def commit_in_migration(s):
    """The file's COMMIT ends drizzle's one transaction: a finding at line 6."""
    repository(s, BASE, head(SPICY))
    proc, found, conclusions, _ = review(s)
    check(("drizzle/0002_spicy_inertia.sql", "commit-in-migrator-transaction", 6) in found, f"reported at the COMMIT: {found}")


def later_file_autocommit(s):
    """After 0002's COMMIT, 0003 runs in autocommit: its CREATE INDEX CONCURRENTLY runs (no
    concurrently-in-transaction), and it holds none of 0002's locks."""
    repository(s, BASE, head(SPICY, CONCURRENT))
    proc, found, conclusions, report = review(s)
    check(("drizzle/0002_spicy_inertia.sql", "commit-in-migrator-transaction", 6) in found, f"reported at the COMMIT: {found}")
    later = [f for f in found if f[0] == "drizzle/0003_index.sql"]
    check(not [f for f in later if f[1] in ("concurrently-in-transaction", "work-under-held-lock")], f"0003 runs in autocommit: {later}")
    files = {f["path"]: f for f in report["files"]}
    check(files["drizzle/0003_index.sql"].get("wrapped_in_transaction") is False, f"0003 not wrapped: {files.get('drizzle/0003_index.sql')}")


def no_commit_control(s):
    """Without the file's BEGIN/COMMIT the set is one transaction: 0003's CONCURRENTLY fails in it."""
    repository(s, BASE, head(PLAIN, CONCURRENT))
    proc, found, conclusions, _ = review(s)
    check(not [f for f in found if f[1] == "commit-in-migrator-transaction"], f"no COMMIT, no finding: {found}")
    check(("drizzle/0003_index.sql", "concurrently-in-transaction", 1) in found, f"0003 is in drizzle's transaction: {found}")


SCENARIOS = {f.__name__: f for f in (commit_in_migration, later_file_autocommit, no_commit_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
