"""The base's history replays only what the migration tool runs (issue #53, red team h2 item 4).
A file in the tool's folder that the tool never loads (a .sql file in a knex folder: knex loads
only scripts; a subfolder node-pg-migrate does not read) made nothing in production. Replayed, its
CHECK (email IS NOT NULL) would let a later `SET NOT NULL` pass as proven, while PostgreSQL scans
the table under ACCESS EXCLUSIVE (red team KNEXSQL, NPMARCH: both PRs passed). Each scenario is a
real git repository whose base holds that file; the pull request's SET NOT NULL must fail `pgfence
pr` (against the GitHub double) with set-not-null-scan.

    test_history_tool_files.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import main  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_link_targets import gated  # noqa: E402

CHECK_SQL = ("-- reference: the check production got by hand\nSET lock_timeout = '2s';\n"
             "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
             "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n")


def knex_sql_file(s):
    """KNEXSQL: migrations/20240102000000_email_check.sql beside knex's scripts; knex never runs it."""
    base = {"knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n",
            "package.json": '{"name":"app","private":true,"scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
            "migrations/20240101000000_init.js":
                "exports.up = function (knex) { return knex.raw('CREATE TABLE users (id bigint PRIMARY KEY, email text)'); };\n"
                "exports.down = function () {};\n",
            "migrations/20240102000000_email_check.sql": CHECK_SQL}
    head = {"migrations/20240103000000_email_nn.js":
            "exports.up = async function (knex) {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n"
            "  await knex.raw(\"SET statement_timeout = '5s'\");\n  await knex.raw('ALTER TABLE users ALTER COLUMN email SET NOT NULL');\n};\n"
            "exports.down = function () {};\n"}
    gated(s, base, {}, head, {("migrations/20240103000000_email_nn.js", "set-not-null-scan", 4)})


def node_pg_migrate_subfolder(s):
    """NPMARCH: migrations/archive/ holds the check; node-pg-migrate reads only migrations/ itself."""
    base = {"package.json": '{"name":"app","private":true,"scripts":{"migrate":"node-pg-migrate up"},'
                            '"dependencies":{"node-pg-migrate":"^7","pg":"^8"}}\n',
            "migrations/1700000000000_init.sql":
                "-- Up Migration\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- Down Migration\nDROP TABLE users;\n",
            "migrations/archive/1700000000001_email_check.sql":
                "-- Up Migration\nSET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
                "-- Down Migration\n",
            "migrations/archive/1700000000002_email_validate.sql":
                "-- Up Migration\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n-- Down Migration\n"}
    head = {"migrations/1700000000003_email_nn.sql":
            "-- Up Migration\nSET lock_timeout = '2s';\nSET statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
            "-- Down Migration\n"}
    gated(s, base, {}, head, {("migrations/1700000000003_email_nn.sql", "set-not-null-scan", 4)})


SCENARIOS = {f.__name__: f for f in (knex_sql_file, node_pg_migrate_subfolder)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
