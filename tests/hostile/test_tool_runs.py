"""What the project's tool actually sends, which the PR's own file must not decide (red team R68,
issue #53; each scenario fails on the binary before the fix). Each builds a real git repository and
runs `pgfence pr` against the GitHub double.

- golang_multi_*: golang-migrate with `x-multi-statement=true` in the database URL cuts the file at
  every `;` byte, comments and quotes included, and sends each piece alone (golang-migrate/migrate
  database/multistmt/parse.go splitWithDelimiter, database/postgres/postgres.go Run): a `;` inside
  a comment hides the SQL after it. On, or possibly on (a URL read from the environment), such a
  `;` is an unknown statement at its line; a URL written out without the option is no such cut.
- binary_migration: a selected migration with NUL bytes (git shows no diff; goose and psql run the
  text around them) is an unknown statement at line 1, never "skipped".
- one_transaction_*: node-pg-migrate (singleTransaction, on unless --no-single-transaction:
  salsita/node-pg-migrate src/runner.ts) and Flyway with group=true run every pending migration in
  one transaction: the ACCESS EXCLUSIVE lock one file of the pull request takes is held through the
  next file's backfill (work-under-held-lock across files).
- sqlx_*: sqlx-cli (`sqlx migrate run`, or a Cargo.toml that depends on sqlx) runs a simple
  migration whole (launchbadge/sqlx sqlx-postgres/src/migrate.rs execute_migration): another
  tool's `-- +goose Down` in it is a comment, and the DROP TABLE after it runs.
- pop_*, psql_loop_names: a name that means "another database" or "down" to one tool is no skip
  where the project's tool runs the file (golang-migrate, a psql loop), red team R68 B28.

    test_tool_runs.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_link_targets import gated  # noqa: E402
from test_tool_reach import analyze_findings, pr_findings, repository  # noqa: E402

UNKNOWN = "unknown-statement"


def workflow(database):
    return ("name: deploy\non: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n"
            f"      - run: migrate -path db/migrations -database \"{database}\" up\n")


GOLANG_BASE = {"db/migrations/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
               "db/migrations/000001_users.down.sql": "DROP TABLE users;\n"}
HIDDEN = {"db/migrations/000002_note.up.sql": "-- keep users; DROP TABLE users; -- see ticket 42\nSELECT 1;\n",
          "db/migrations/000002_note.down.sql": "SELECT 1;\n"}


def golang_multi_on(s):
    """B1: the base workflow's URL says x-multi-statement=true; the PR's comment holds `; DROP TABLE users;`."""
    base = dict(GOLANG_BASE)
    base[".github/workflows/deploy.yml"] = workflow("postgres://app@db/app?sslmode=disable&x-multi-statement=true")
    proc = gated(s, base, {}, HIDDEN, {("db/migrations/000002_note.up.sql", UNKNOWN, 1)})
    check("db/migrations/000002_note.up.sql  (golang-migrate)\n" in proc.stdout, f"no longer one transaction: {proc.stdout}")
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    notes = [n for f in report["files"] if f["path"].endswith("000002_note.up.sql") for st in f["statements"] for n in st.get("notes", [])]
    check(any("each its own implicit transaction" in n for n in notes), f"the wrapping is said: {notes}")


def golang_multi_parse_bool(s):
    """B1: `x-multi-statement=t` is true to Go's strconv.ParseBool, in a compose file's command."""
    base = dict(GOLANG_BASE)
    base["docker-compose.yml"] = ("services:\n  migrate:\n    image: migrate/migrate\n"
                                  "    command: [\"-path\", \"/migrations\", \"-database\", \"postgres://app@db/app?x-multi-statement=t\", \"up\"]\n")
    gated(s, base, {}, HIDDEN, {("db/migrations/000002_note.up.sql", UNKNOWN, 1)})


def golang_multi_runtime(s):
    """B1: the URL comes from the environment at run time: the option may be on."""
    base = dict(GOLANG_BASE)
    base[".github/workflows/deploy.yml"] = workflow("$DATABASE_URL")
    gated(s, base, {}, HIDDEN, {("db/migrations/000002_note.up.sql", UNKNOWN, 1)})


def golang_multi_off_control(s):
    """A URL written out without the option: the file is one query, a `;` in a comment cuts nothing."""
    base = dict(GOLANG_BASE)
    base[".github/workflows/deploy.yml"] = workflow("postgres://app@db/app?sslmode=disable")
    repository(s, base, {"db/migrations/000002_note.up.sql": "-- keep users; see ticket 42\nSELECT 1;\n",
                         "db/migrations/000002_note.down.sql": "SELECT 1;\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(proc.returncode == 0 and not any(r == UNKNOWN for _, r, _ in found), f"clean: exit {proc.returncode} {sorted(found)}\n{proc.stderr}")


def binary_migration(s):
    """B4: eight NUL bytes in a comment of a goose migration: unknown at line 1, not skipped."""
    base = {".env": "GOOSE_MIGRATION_DIR=db/migrations\nGOOSE_DRIVER=postgres\n",
            "db/migrations/00001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n"}
    head = {"db/migrations/00002_cleanup.sql": "-- +goose Up\nDROP TABLE users;\n-- " + "\0" * 8 + "\n-- +goose Down\nSELECT 1;\n"}
    gated(s, base, {}, head, {("db/migrations/00002_cleanup.sql", UNKNOWN, 1)})


GOOSE_IN_SQLX = "-- +goose Up\nCREATE TABLE audit_log (id bigint PRIMARY KEY, note text);\n-- +goose Down\nDROP TABLE users;\n"
SQLX_BASE = {"migrations/20240101000000_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"}


def sqlx_cli_goose_markers(s):
    """B26: CI runs `sqlx migrate run` (default --source migrations): the goose Down part runs."""
    base = dict(SQLX_BASE)
    base[".github/workflows/deploy.yml"] = ("name: deploy\non: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - uses: actions/checkout@v4\n      - run: cargo install sqlx-cli\n"
                                            "      - run: sqlx migrate run --database-url \"$DATABASE_URL\"\n")
    gated(s, base, {}, {"migrations/20240201000000_audit_log.sql": GOOSE_IN_SQLX},
          {("migrations/20240201000000_audit_log.sql", "drop-table", 4)})


def sqlx_cli_source(s):
    """B26: `cargo sqlx migrate run --source db/sql` names db/sql for sqlx."""
    base = {"db/sql/20240101000000_users.sql": SQLX_BASE["migrations/20240101000000_users.sql"],
            "Makefile": "migrate:\n\tcargo sqlx migrate run --source db/sql\n"}
    gated(s, base, {}, {"db/sql/20240201000000_audit_log.sql": GOOSE_IN_SQLX}, {("db/sql/20240201000000_audit_log.sql", "drop-table", 4)})


def sqlx_cargo_goose_markers(s):
    """B26: a Cargo.toml depending on sqlx (postgres) with no migrate!(): sqlx-cli's ./migrations."""
    base = dict(SQLX_BASE)
    base["Cargo.toml"] = ('[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
                          'sqlx = { version = "0.7", features = ["runtime-tokio", "postgres"] }\n')
    base["src/main.rs"] = "fn main() {}\n"
    gated(s, base, {}, {"migrations/20240201000000_audit_log.sql": GOOSE_IN_SQLX},
          {("migrations/20240201000000_audit_log.sql", "drop-table", 4)})


NPM_INIT = ("-- Up Migration\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
            "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total_cents bigint);\n-- Down Migration\nDROP TABLE orders; DROP TABLE users;\n")
NPM_HEAD = {"migrations/1700000000001_nickname.sql": "-- Up Migration\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n"
                                                    "-- Down Migration\nALTER TABLE users DROP COLUMN nickname;\n",
            "migrations/1700000000002_cents.sql": "-- Up Migration\nUPDATE orders SET total_cents = total_cents * 100 WHERE total_cents IS NOT NULL;\n"
                                                 "-- Down Migration\nSELECT 1;\n"}


def npm_package(script):
    return '{ "name": "app", "scripts": { "migrate": "%s" }, "dependencies": { "node-pg-migrate": "^7.0.0" } }\n' % script


def one_transaction_npm(s):
    """B11: node-pg-migrate's default single transaction: users stays ACCESS EXCLUSIVE through the orders backfill."""
    base = {"package.json": npm_package("node-pg-migrate up"), "migrations/1700000000000_init.sql": NPM_INIT}
    proc = gated(s, base, {}, NPM_HEAD, {("migrations/1700000000002_cents.sql", "work-under-held-lock", 2)})
    check("1700000000001_nickname.sql line 3" in proc.stdout, f"the held lock names its file and line: {proc.stdout}")
    check("with the files before and after it" in proc.stdout, f"the runs-in note says so: {proc.stdout}")


def one_transaction_npm_off_control(s):
    """`node-pg-migrate up --no-single-transaction`: each file its own transaction, no lock held across files."""
    base = {"package.json": npm_package("node-pg-migrate up --no-single-transaction"), "migrations/1700000000000_init.sql": NPM_INIT}
    repository(s, base, NPM_HEAD)
    s.start_double()
    s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(not any(r == "work-under-held-lock" for _, r, _ in found), f"no lock held across files: {sorted(found)}")


def one_transaction_flyway_group(s):
    """B11: flyway.conf `flyway.group=true`: V2's lock is held through V3's backfill."""
    base = {"flyway.conf": "flyway.locations=filesystem:db/migration\nflyway.group=true\n",
            "db/migration/V1__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
                                         "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total_cents bigint);\n"}
    head = {"db/migration/V2__nickname.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n",
            "db/migration/V3__cents.sql": "UPDATE orders SET total_cents = total_cents * 100 WHERE total_cents IS NOT NULL;\n"}
    gated(s, base, {}, head, {("db/migration/V3__cents.sql", "work-under-held-lock", 1)})


MIXED_V2 = "CREATE INDEX CONCURRENTLY users_email ON users (email);\nALTER TABLE users ADD COLUMN nick text;\n"


def mixed_repository(s, extra):
    res = "src/main/resources/"
    base = {res + "application.properties": "spring.flyway.locations=classpath:db/migration\n",
            res + "db/migration/V1__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}
    for path, text in extra.items():
        base[path] = base.get(path, "") + text
    repository(s, base, {res + "db/migration/V2__nick.sql": MIXED_V2})
    s.start_double()
    s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    return pr_findings(s)


def one_transaction_flyway_mixed(s):
    """Red team r71: Flyway's mixed=true set through Spring (spring.flyway.mixed in
    application.properties): a migration with CREATE INDEX CONCURRENTLY and an ALTER TABLE runs each
    statement on its own (flyway-core ParserSqlScript), not refused: no concurrently-in-transaction;
    its ALTER still lacks a lock_timeout."""
    found = mixed_repository(s, {"src/main/resources/application.properties": "spring.flyway.mixed=true\n"})
    check(not any(r == "concurrently-in-transaction" for _, r, _ in found), f"mixed=true: not refused: {sorted(found)}")
    check(("src/main/resources/db/migration/V2__nick.sql", "lock-timeout-missing", 2) in found, f"the ALTER is still analysed: {sorted(found)}")


def one_transaction_flyway_mixed_env(s):
    """The same with SPRING_FLYWAY_MIXED: "true" in a compose service's environment."""
    found = mixed_repository(s, {"docker-compose.yml": "services:\n  app:\n    image: acme/app\n    environment:\n      SPRING_FLYWAY_MIXED: \"true\"\n"})
    check(not any(r == "concurrently-in-transaction" for _, r, _ in found), f"mixed=true: not refused: {sorted(found)}")


def one_transaction_flyway_mixed_control(s):
    """With SPRING_FLYWAY_MIXED "false", Flyway refuses the same migration: concurrently-in-transaction
    (the deploy stops)."""
    found = mixed_repository(s, {"docker-compose.yml": "services:\n  app:\n    image: acme/app\n    environment:\n      SPRING_FLYWAY_MIXED: \"false\"\n"})
    check(("src/main/resources/db/migration/V2__nick.sql", "concurrently-in-transaction", 1) in found, f"refused: {sorted(found)}")


def pop_name_golang_migrate(s):
    """B28 (analyze): CI runs golang-migrate over db/migrations; the new file is named like pop's
    MySQL migration (`000002_cleanup.mysql.up.sql`), which golang-migrate runs (source/parse.go
    Regex: version 2, name "cleanup.mysql", up). No file of version 2 is one pop would run on
    PostgreSQL instead, so it is read as golang-migrate's file."""
    base = dict(GOLANG_BASE)
    base[".github/workflows/deploy.yml"] = workflow("postgres://app@db/app?sslmode=disable")
    repository(s, base, {"db/migrations/000002_cleanup.mysql.up.sql": "DROP TABLE users;\n",
                         "db/migrations/000002_cleanup.mysql.down.sql": "SELECT 1;\n"})
    # analyze of the checkout and pr of the commits: each knows the folder's other files.
    found = analyze_findings(s)
    check(("db/migrations/000002_cleanup.mysql.up.sql", "drop-table", 1) in found, f"read as golang-migrate's file: {sorted(found)}")
    s.start_double()
    s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(("db/migrations/000002_cleanup.mysql.up.sql", "drop-table", 1) in found,
          f"pr: read as golang-migrate's file: {sorted(found)}")


def pop_twin_control(s):
    """A version with its PostgreSQL file (ory's popx layout): the MySQL one is pop's, never run here."""
    base = dict(GOLANG_BASE)
    repository(s, base, {"db/migrations/000002_cleanup.mysql.up.sql": "DROP TABLE users;\n",
                             "db/migrations/000002_cleanup.postgres.up.sql": "SELECT 1;\n"})
    s.start_double()
    s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(not any(r == "drop-table" for _, r, _ in found), f"the MySQL file of a version with a PostgreSQL one is not run: {sorted(found)}")


def psql_loop_names(s):
    """B28: the project runs every .sql file of the folder with psql (a Makefile loop): a `.down.sql`
    or Flyway `U` name says nothing to psql, which runs the file on the way up."""
    base = {"Makefile": "migrate:\n\tfor f in db/migrations/*.sql; do psql \"$$DATABASE_URL\" -v ON_ERROR_STOP=1 -f \"$$f\"; done\n",
            "db/migrations/0001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
                                            "CREATE TABLE orders (id bigint PRIMARY KEY);\n"}
    gated(s, base, {}, {"db/migrations/0002_cleanup.down.sql": "DROP TABLE users;\n", "db/migrations/U0003__cleanup.sql": "DROP TABLE orders;\n"},
          {("db/migrations/0002_cleanup.down.sql", "drop-table", 1), ("db/migrations/U0003__cleanup.sql", "drop-table", 1)})


SCENARIOS = {f.__name__: f for f in (golang_multi_on, golang_multi_parse_bool, golang_multi_runtime, golang_multi_off_control,
                                     binary_migration, sqlx_cli_goose_markers, sqlx_cli_source, sqlx_cargo_goose_markers,
                                     one_transaction_npm, one_transaction_npm_off_control, one_transaction_flyway_group,
                                     one_transaction_flyway_mixed, one_transaction_flyway_mixed_env, one_transaction_flyway_mixed_control,
                                     pop_name_golang_migrate, pop_twin_control, psql_loop_names)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
