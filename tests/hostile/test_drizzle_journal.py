"""Issue #53 (red team G2): drizzle-orm runs what its `meta/_journal.json` lists, not the folder's
files. readMigrationFiles (drizzle-orm src/migrator.ts) reads `${migrationsFolder}/${entry.tag}.sql`
for each entry, and PgDialect.migrate (src/pg-core/dialect.ts) runs every entry whose `when` is
later than the created_at of the last migration applied. A pull request that only edits the
journal decides what runs: it must not come out clean. Real git repositories, the real binary,
`pgfence pr` against the GitHub double.

    test_drizzle_journal.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_history_removed import blocked, repository, review  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402

CONFIG = 'import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", out: "./drizzle" });\n'
INIT = ('CREATE TABLE "users" ("id" bigint PRIMARY KEY, "plan" text);\n--> statement-breakpoint\n'
        'CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "user_id" bigint);\n')
PLAN = "-- every existing user starts on the free plan\nUPDATE \"users\" SET \"plan\" = 'free';\n"
RESET = '-- local development only: empty every table before re-seeding\nTRUNCATE "orders", "users" RESTART IDENTITY CASCADE;\n'


def journal(*entries):
    """drizzle-kit's layout: one key a line, each entry's "tag" on its own line."""
    lines = ['{', '  "version": "7",', '  "dialect": "postgresql",', '  "entries": [']
    for i, (when, tag) in enumerate(entries):
        lines += ['    {', f'      "idx": {i},', '      "version": "7",', f'      "when": {when},', f'      "tag": {json.dumps(tag)},',
                  '      "breakpoints": true', '    }' + (',' if i + 1 < len(entries) else '')]
    return "\n".join(lines + ['  ]', '}']) + "\n"


BASE = {"drizzle.config.ts": CONFIG, "drizzle/0000_init.sql": INIT, "drizzle/0001_plan.sql": PLAN,
        "db/dev/reset.sql": RESET,
        "drizzle/meta/_journal.json": journal((1730000000000, "0000_init"), (1731000000000, "0001_plan"))}


def tag_outside_folder(s):
    """DRZJOURNAL: a new entry whose tag is `../db/dev/reset`: drizzle-orm runs db/dev/reset.sql (a
    TRUNCATE of every table) on deploy, a file no migration glob reviews. Unknown at the entry's line."""
    repository(s, BASE, {"drizzle/meta/_journal.json": journal((1730000000000, "0000_init"), (1731000000000, "0001_plan"),
                                                               (1732600000000, "../db/dev/reset"))})
    proc, found, conclusions, _ = review(s)
    check(("drizzle/meta/_journal.json", "unknown-statement", 23) in found, f"the entry leaving the folder is unknown at its line: {found}")
    blocked(proc, conclusions, found)


def when_moved_later(s):
    """DRZWHEN: the `when` of 0001_plan (a backfill that has run) moved later than the last applied:
    drizzle-orm runs it again. HIGH migration-tool-settings-changed at the entry."""
    repository(s, BASE, {"drizzle/meta/_journal.json": journal((1730000000000, "0000_init"), (1732600000000, "0001_plan"))})
    proc, found, conclusions, _ = review(s)
    check(("drizzle/meta/_journal.json", "migration-tool-settings-changed", 16) in found, f"the moved `when` is reported: {found}")
    blocked(proc, conclusions, found)


def entry_with_new_file(s):
    """An entry added with the file the pull request adds is how drizzle-kit adds a migration: the
    journal gets no finding, and the new file is reviewed as the migration it is."""
    repository(s, BASE, {"drizzle/0002_note.sql": "SET lock_timeout = '2s';\nALTER TABLE \"users\" ADD COLUMN \"note\" text;\n",
                         "drizzle/meta/_journal.json": journal((1730000000000, "0000_init"), (1731000000000, "0001_plan"),
                                                               (1732600000000, "0002_note"))})
    proc, found, conclusions, _ = review(s)
    check(not [f for f in found if f[0] == "drizzle/meta/_journal.json"], f"no finding on the journal: {found}")
    check(proc.returncode == 0, f"a safe migration added the normal way passes: exit {proc.returncode}: {found}\n{proc.stderr[-800:]}")


def entry_for_old_file_and_removed(s):
    """An entry added for a file the base branch already has (drizzle/0002_backfill.sql, never listed:
    now it runs, unreviewed by this pull request) and an entry removed (0001_plan has run; its record
    is orphaned): each HIGH migration-tool-settings-changed."""
    base = dict(BASE)
    base["drizzle/0002_backfill.sql"] = "UPDATE \"users\" SET \"plan\" = NULL;\n"
    repository(s, base, {"drizzle/meta/_journal.json": journal((1730000000000, "0000_init"), (1732600000000, "0002_backfill"))})
    proc, found, conclusions, _ = review(s)
    journal_findings = [f for f in found if f[0] == "drizzle/meta/_journal.json"]
    check(("drizzle/meta/_journal.json", "migration-tool-settings-changed", 16) in journal_findings,
          f"the entry for a file the base has is reported at its line: {found}")
    check(("drizzle/meta/_journal.json", "migration-tool-settings-changed", 1) in journal_findings,
          f"the removed entry is reported: {found}")
    blocked(proc, conclusions, found)


SCENARIOS = {f.__name__: f for f in (tag_outside_folder, when_moved_later, entry_with_new_file,
                                     entry_for_old_file_and_removed)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
