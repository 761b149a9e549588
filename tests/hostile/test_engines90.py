"""Files of another database engine and sqlc's query files are not PostgreSQL migrations (stranger
review 89, river: `analyze .` exited 2 on SQLite's AUTOINCREMENT, with 30 false HIGH and 58 false
unknowns from riverdriver/riversqlite and the drivers' internal/dbsqlc query files).

- An sqlc config's `schema:` of an engine other than postgresql (`engine: "sqlite"`) is that
  database's schema: skipped, with a note naming the config and line.
- An sqlc config's `queries:` files are the queries sqlc generates code from: skipped, never read as
  migrations (river's `sqlc.narg()` read as an unknown function).
- A driver's folder named `<prefix><driver>` beside `<prefix><PostgreSQL driver>` (river's
  `riversqlite` beside `riverpgxv5`): skipped; without that sibling a name says nothing (tested in
  test_review85_dialects.py and tests/cli/other_databases_test.py).
- Controls: a postgresql `schema:` migrations folder stays analysed; a `sqlite_to_postgres` folder and
  a file named `..._remove_sqlite.up.sql` are analysed.

    test_engines90.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

GO = {"go.mod": "module example.com/app\n\ngo 1.22\n"}

PG_DROP = "DROP TABLE old_jobs;\n"
PG_DROP_DOWN = "CREATE TABLE old_jobs (id bigint);\n"

# SQLite's own SQL (river riversqlite 007 and internal/dbsqlc/river_notification.sql): AUTOINCREMENT
# does not parse as PostgreSQL, and the DROP would be a false HIGH.
SQLITE = ("CREATE TABLE river_notification (\n"
          "    id integer PRIMARY KEY AUTOINCREMENT,\n"
          "    created_at timestamp NOT NULL DEFAULT (datetime('now')),\n"
          "    payload blob NOT NULL\n"
          ");\n"
          "DROP TABLE river_client_queue;\n")

# An sqlc query file (river riverpgxv5/internal/dbsqlc/river_job.sql): sqlc.arg() is sqlc's macro.
QUERIES = ("-- name: JobGetByID :one\n"
           "SELECT * FROM river_job WHERE id = sqlc.arg(id) LIMIT 1;\n\n"
           "-- name: JobDeleteBefore :execresult\n"
           "DELETE FROM river_job WHERE id IN (SELECT id FROM river_job WHERE finalized_at < sqlc.narg(before) LIMIT 100);\n")


def run(s):
    """analyze over the tree as a user runs it: (exit code, stderr, findings, files)."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "--jobs", "1", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=180)
    try:
        files = json.loads(proc.stdout)["files"]
    except (ValueError, KeyError):
        check(False, f"no JSON (exit {proc.returncode}): {proc.stderr[-2000:]}")
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "risk": f["risk"]}
             for file in files for f in file["findings"]]
    return proc.returncode, proc.stderr, found, files


def under(found, folder):
    return [f for f in found if f["path"].startswith(folder)]


def skipped(files, path):
    """The skip reason of the entry whose path is `path` (file or folder), or None."""
    for f in files:
        if f.get("skipped") and os.path.normpath(f["path"]) == path:
            return f.get("skip_reason") or ""
    return None


def at(found, rule, path, line):
    return any(f["rule"] == rule and f["path"] == path and f["line"] == line for f in found)


def sqlc_sqlite_schema(s):
    """sqlc.yaml's `engine: "sqlite"` entry names db/lite as its schema: SQLite's, skipped with the
    config's line; the PostgreSQL migrations beside it are still analysed."""
    sqlc = ('version: "2"\n'
            'sql:\n'
            '  - engine: "postgresql"\n'
            '    schema: "migrations"\n'
            '    queries: "db/pg_queries.sql"\n'
            '    gen: {go: {package: "pgdb", out: "pgdb"}}\n'
            '  - engine: "sqlite"\n'
            '    schema: "db/lite"\n'
            '    queries: "db/lite_queries.sql"\n'
            '    gen:\n'
            '      go:\n'
            '        package: "litedb"\n'
            '        out: "litedb"\n')
    pull_request(s, {"db/lite/001_init.up.sql": SQLITE, "migrations/002_drop.up.sql": PG_DROP}, dict(GO, **{
        "sqlc.yaml": sqlc, "migrations/001_init.up.sql": PG_DROP_DOWN, "db/pg_queries.sql": QUERIES, "db/lite_queries.sql": QUERIES}))
    rc, err, found, files = run(s)
    check(rc != 2, f"SQLite's AUTOINCREMENT is not parsed as PostgreSQL (exit {rc}): {under(found, 'db/lite')}\n{err[-1500:]}")
    check(not under(found, "db/lite"), f"no finding in the sqlite schema: {under(found, 'db/lite')}")
    reason = skipped(files, "db/lite/001_init.up.sql")
    check(reason is not None and "sqlc.yaml:8" in reason and "sqlite" in reason, f"skipped naming sqlc.yaml:8: {reason!r}")
    check(at(found, "drop-table", "migrations/002_drop.up.sql", 1), f"the postgresql schema folder is analysed: {found}")


def query_file_skipped(s, schema, named):
    """sqlc.yaml's `queries:` file, with the postgresql entry's `schema:` given as `schema`: no
    finding or unknown in it, one skipped entry whose reason holds each of `named`; the
    postgresql `schema:` migrations folder is analysed."""
    sqlc = ('version: "2"\n'
            'sql:\n'
            '  - engine: "postgresql"\n'
            '    queries: ["internal/db/query.sql"]\n'
            f'    schema: {schema}\n'
            '    gen: {go: {package: "db", out: "internal/db"}}\n')
    pull_request(s, {"internal/db/query.sql": QUERIES, "migrations/002_drop.up.sql": PG_DROP}, dict(GO, **{
        "sqlc.yaml": sqlc, "migrations/001_init.up.sql": PG_DROP_DOWN}))
    rc, err, found, files = run(s)
    check(not under(found, "internal/db"), f"no finding or unknown in the query file: {under(found, 'internal/db')}\n{err[-1500:]}")
    reason = skipped(files, "internal/db/query.sql")
    check(reason is not None and all(n in reason for n in named), f"skipped naming {named}: {reason!r}")
    check(at(found, "drop-table", "migrations/002_drop.up.sql", 1), f"the postgresql schema folder is analysed: {found}")


def sqlc_queries(s):
    """sqlc.yaml's `queries:` file is no migration: no unknown for sqlc.arg(), one skipped entry
    naming the config; the postgresql `schema:` migrations folder is analysed."""
    query_file_skipped(s, '"migrations"', ("sqlc.yaml:4", "queries"))


def sqlc_queries_in_schema(s):
    """A file sqlc.yaml lists under both `queries:` and the postgresql entry's `schema:` (river's
    dbsqlc lists each file so) is a query file: skipped, while a postgresql schema that is only a
    schema (the migrations folder) is analysed."""
    query_file_skipped(s, '["internal/db/query.sql", "migrations"]', ("queries",))


def riversqlite_folder(s):
    """River's riverdriver/riversqlite/migration/main, beside riverdriver/riverpgxv5: SQLite's driver
    package; skipped as one entry, while riverpgxv5's migrations are analysed."""
    pg = "riverdriver/riverpgxv5/migration/main/"
    lite = "riverdriver/riversqlite/migration/main/"
    pull_request(s, {lite + "002_outbox.up.sql": SQLITE, pg + "002_drop.up.sql": PG_DROP}, dict(GO, **{
        lite + "001_init.up.sql": "CREATE TABLE river_client_queue (id integer);\n", pg + "001_init.up.sql": PG_DROP_DOWN}))
    rc, err, found, files = run(s)
    check(rc != 2, f"SQLite's SQL is not parsed as PostgreSQL (exit {rc}): {under(found, lite[:-1])}\n{err[-1500:]}")
    check(not under(found, "riverdriver/riversqlite"), f"no finding in riversqlite: {under(found, 'riverdriver/riversqlite')}")
    reason = skipped(files, "riverdriver/riversqlite")
    check(reason is not None and "riverdriver/riverpgxv5" in reason, f"the driver's folder is one skipped entry naming its sibling: {reason!r}")
    check(at(found, "drop-table", pg + "002_drop.up.sql", 1), f"riverpgxv5 is analysed: {found}")


def postgres_schema_control(s):
    """A postgresql sqlc `schema:` that is the migrations folder stays analysed (v1: `packages:`, no
    engine, which sqlc takes as postgresql), while the same entry's `queries:` folder is skipped."""
    sqlc = ('version: "1"\n'
            'packages:\n'
            '  - name: "db"\n'
            '    path: "internal/db"\n'
            '    schema: "./db/migrations/"\n'
            '    queries: "./db/query/"\n')
    pull_request(s, {"db/migrations/002_drop.up.sql": PG_DROP}, dict(GO, **{
        "sqlc.yaml": sqlc, "db/migrations/001_init.up.sql": PG_DROP_DOWN, "db/query/jobs.sql": QUERIES}))
    rc, err, found, files = run(s)
    check(at(found, "drop-table", "db/migrations/002_drop.up.sql", 1), f"v1's postgresql schema folder is analysed: {found}\n{err[-1500:]}")
    check(skipped(files, "db/migrations/002_drop.up.sql") is None, "not skipped")
    check(skipped(files, "db/query/jobs.sql") is not None, f"the v1 queries folder's file is skipped: {[f['path'] for f in files]}")


def sqlite_to_postgres_control(s):
    """A folder named for a move from SQLite to PostgreSQL, and a migration file whose name says
    sqlite, are PostgreSQL's: analysed."""
    move = "tools/sqlite_to_postgres/migrations/"
    pull_request(s, {move + "002_drop.up.sql": PG_DROP, "migrations/002_remove_sqlite.up.sql": PG_DROP}, dict(GO, **{
        move + "001_init.up.sql": PG_DROP_DOWN, "migrations/001_init.up.sql": PG_DROP_DOWN}))
    rc, err, found, files = run(s)
    check(at(found, "drop-table", move + "002_drop.up.sql", 1), f"sqlite_to_postgres is analysed: {found}\n{err[-1500:]}")
    check(at(found, "drop-table", "migrations/002_remove_sqlite.up.sql", 1), f"a file naming sqlite is analysed: {found}")


def pr_findings(s):
    """`pr` against the test double: (exit code, stderr, findings from its SARIF)."""
    s.start_double()
    sarif_path = os.path.join(s.tmp, "pr.sarif")
    proc = s.run_pr("--ci", "--unknown", "block", "--sarif", sarif_path)
    with open(sarif_path) as f:
        sarif = json.load(f)
    found = [{"rule": r["ruleId"], "path": r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "line": r["locations"][0]["physicalLocation"]["region"]["startLine"], "message": r["message"]["text"][:300]}
             for r in sarif["runs"][0]["results"]]
    return proc.returncode, proc.stderr, found


PR_SQLC = ('version: "2"\n'
           'sql:\n'
           '  - engine: "sqlite"\n'
           '    queries: "db/query.sql"\n'
           '    schema: "migrations"\n')


def pr_sqlc_sqlite_schema(s):
    """`pr` adding a migration to the folder the base's sqlc.yaml names as an sqlite entry's schema:
    SQLite's, not reviewed as PostgreSQL (no unparsable HIGH, no false drop-table)."""
    pull_request(s, {"migrations/002_outbox.up.sql": SQLITE}, dict(GO, **{
        "sqlc.yaml": PR_SQLC, "migrations/001_init.up.sql": "CREATE TABLE river_client_queue (id integer);\n", "db/query.sql": QUERIES}))
    rc, err, found = pr_findings(s)
    check(not under(found, "migrations"), f"nothing reported in SQLite's schema: {under(found, 'migrations')}\n{err[-1500:]}")
    check(rc != 2, f"no parse error: exit {rc}")


def pr_sqlc_added_control(s):
    """A pull request that adds an sqlc.yaml naming its own migrations an sqlite schema: the base
    decides, so the migrations are still reviewed."""
    evil = PR_SQLC
    pull_request(s, {"sqlc.yaml": evil, "migrations/002_drop.up.sql": PG_DROP}, dict(GO, **{"migrations/001_init.up.sql": PG_DROP_DOWN}))
    rc, err, found = pr_findings(s)
    check(at(found, "drop-table", "migrations/002_drop.up.sql", 1), f"the migration is reviewed: {found}\n{err[-1500:]}")
    check(rc == 1, f"the gate fails: {rc}")


def pr_riversqlite_folder(s):
    """`pr` changing riversqlite's migration, riverpgxv5 beside it at the base: SQLite's, skipped."""
    pg = "riverdriver/riverpgxv5/migrations/"
    lite = "riverdriver/riversqlite/migrations/"
    pull_request(s, {lite + "002_outbox.up.sql": SQLITE, pg + "002_drop.up.sql": PG_DROP}, dict(GO, **{
        lite + "001_init.up.sql": "CREATE TABLE river_client_queue (id integer);\n", pg + "001_init.up.sql": PG_DROP_DOWN}))
    rc, err, found = pr_findings(s)
    check(not under(found, "riverdriver/riversqlite"), f"nothing reported in riversqlite: {under(found, 'riverdriver/riversqlite')}\n{err[-3000:]}")
    check(at(found, "drop-table", pg + "002_drop.up.sql", 1), f"riverpgxv5 is reviewed: {found}\n{err[-1500:]}")


def pr_driver_sibling_added(s):
    """A pull request that adds store/apppgx beside store/appmysql (analysed as PostgreSQL at the
    base) changes what pgfence reads: HIGH migration-tool-settings-changed, and appmysql's migration
    is still reviewed."""
    pull_request(s, {"store/apppgx/migrations/001_init.up.sql": PG_DROP_DOWN, "store/appmysql/migrations/002_drop.up.sql": PG_DROP},
                 dict(GO, **{"store/appmysql/migrations/001_init.up.sql": PG_DROP_DOWN}))
    rc, err, found = pr_findings(s)
    check(at(found, "drop-table", "store/appmysql/migrations/002_drop.up.sql", 1), f"appmysql is still reviewed: {found}\n{err[-1500:]}")
    check(any(f["rule"] == "migration-tool-settings-changed" for f in found), f"the new sibling is reported: {found}")


# red team R90 F8: a postgresql entry and an sqlite entry (for tests) naming one folder.
SHARED_SQLC = ('version: "2"\n'
               'sql:\n'
               '  - engine: "postgresql"\n'
               '    schema: "db/migrations"\n'
               '    queries: "db/queries"\n'
               '    gen: {go: {package: "db", out: "internal/db"}}\n'
               '  - engine: "sqlite"\n'
               '    schema: "db/migrations"\n'
               '    queries: "db/queries"\n'
               '    gen: {go: {package: "dbtest", out: "internal/dbtest"}}\n')
SHARED_BASE = dict(GO, **{"sqlc.yaml": SHARED_SQLC, "db/migrations/001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n",
                          "db/queries/users.sql": "-- name: GetUser :one\nSELECT * FROM users WHERE id = $1;\n"})


def sqlc_shared_schema(s):
    """A folder the postgresql entry and an sqlite entry both name as `schema:` is PostgreSQL's:
    analysed, never set aside (red team R90 F8); the queries folder is still skipped."""
    pull_request(s, {"db/migrations/002_drop_users.sql": "-- +goose Up\nDROP TABLE users;\n"}, SHARED_BASE)
    rc, err, found, files = run(s)
    check(at(found, "drop-table", "db/migrations/002_drop_users.sql", 2), f"the shared schema is analysed: {found}\n{err[-1500:]}")
    check(skipped(files, "db/migrations/002_drop_users.sql") is None, "not set aside as sqlite's")
    check(skipped(files, "db/queries/users.sql") is not None, f"the query file is still skipped: {files}")


def pr_sqlc_shared_schema(s):
    """`pr` adding a migration to the folder the base's postgresql and sqlite entries share: reviewed."""
    pull_request(s, {"db/migrations/002_drop_users.sql": "-- +goose Up\nDROP TABLE users;\n"}, SHARED_BASE)
    rc, err, found = pr_findings(s)
    check(at(found, "drop-table", "db/migrations/002_drop_users.sql", 2), f"the migration is reviewed: {found}\n{err[-1500:]}")
    check(rc == 1, f"the gate fails: {rc}")


SCENARIOS = {f.__name__: f for f in [sqlc_sqlite_schema, sqlc_queries, sqlc_queries_in_schema, riversqlite_folder, postgres_schema_control,
                                     sqlite_to_postgres_control, pr_sqlc_sqlite_schema, pr_sqlc_added_control,
                                     pr_riversqlite_folder, pr_driver_sibling_added, sqlc_shared_schema,
                                     pr_sqlc_shared_schema]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
