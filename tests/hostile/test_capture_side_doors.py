"""`pgfence capture` sees what a Knex migration does beside its proxied connection (red team R86 F6, F7,
issue #53).

- knex_other_database: the migration opens a second connection, on the server's own port, to the
  maintenance database `postgres` and runs ALTER DATABASE <capture's> SET
  default_transaction_read_only = on. pgfence used to count the sessions that bypassed its proxy on
  its own database only: 0 findings, exit 0. Now the throwaway server refuses the migration role any
  other database, and every database's sessions are counted.
- knex_catalog_set_config: `SELECT set_config('lock_timeout', '0', false) FROM pg_catalog.pg_settings`
  was set aside as the tool's look at the catalog, so the ALTER after it was judged under the
  migration's lock_timeout of 2s. Now a SELECT calling a built-in that acts beyond it is kept.
- knex_catalog_reads: the control. A migration's own read of the catalog is still left out and
  counted, and an ordinary migration has no unknown statement.

Real knex 3.1 and pg 8.11 from npm (PGFENCE_TEST_NODE_MODULES, or installed once into
/tmp/pgfence-test-npm-doors) on PostgreSQL 15; without them a scenario is skipped (77).

    test_capture_side_doors.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_link_targets import repository  # noqa: E402
from real_tools import node_modules, run_capture  # noqa: E402

NPM_PREFIX = "/tmp/pgfence-test-npm-doors"

KNEX_BASE = {
    ".gitignore": "node_modules\n",
    "package.json": '{"name":"app","private":true,"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
    "knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n',
    "migrations/20240101000000_init.js": 'exports.up = async function (knex) {\n  await knex.raw("CREATE TABLE orders (id bigint PRIMARY KEY)");\n};\n'
                                         'exports.down = async function () {};\n',
}

# F6: a second connection, on the server's own port, to `postgres`.
OTHER_DATABASE = ("exports.up = async function (knex) {\n"
                  '  await knex.raw("CREATE TABLE users (id bigint PRIMARY KEY, email text)");\n'
                  '  const { rows: [at] } = await knex.raw("SELECT current_database() AS db, host(inet_server_addr()) AS host, '
                  'inet_server_port() AS port");\n'
                  '  const { Client } = require("pg");\n'
                  "  const u = new URL(process.env.DATABASE_URL);\n"
                  "  const c = new Client({ host: at.host || u.hostname, port: at.port, user: decodeURIComponent(u.username),\n"
                  '                         password: decodeURIComponent(u.password), database: "postgres" });\n'
                  "  await c.connect();\n"
                  '  await c.query(`ALTER DATABASE "${at.db}" SET default_transaction_read_only = on`);\n'
                  "  await c.end();\n"
                  "};\n"
                  "exports.down = async function () {};\n")

# F7: set_config in a read of the catalog.
CATALOG_SET_CONFIG = ("exports.up = async function (knex) {\n"
                      "  await knex.raw(\"SET lock_timeout = '2s'\");\n"
                      "  await knex.raw(\"SELECT set_config('lock_timeout', '0', false) FROM pg_catalog.pg_settings LIMIT 1\");\n"
                      '  await knex.raw("ALTER TABLE orders ADD COLUMN note text");\n'
                      "};\n"
                      "exports.down = async function () {};\n")

# The control: a read of the catalog, then the same ALTER under lock_timeout 2s.
CATALOG_READS = ("exports.up = async function (knex) {\n"
                 "  await knex.raw(\"SET lock_timeout = '2s'\");\n"
                 "  await knex.raw(\"SELECT count(*) FROM pg_catalog.pg_settings WHERE name = 'lock_timeout'\");\n"
                 '  await knex.raw("ALTER TABLE orders ADD COLUMN note text");\n'
                 "};\n"
                 "exports.down = async function () {};\n")


def capture(s, migration, max_risk="low"):
    """`pgfence capture --ci` of knex migrate:latest over the base's migration and `migration`:
    the process and the JSON report's (file, rule) pairs."""
    repository(s, KNEX_BASE, {}, {"migrations/20240102000000_next.js": migration})
    os.symlink(node_modules(NPM_PREFIX, ["knex@3.1.0", "pg@8.11.0"], "knex/bin/cli.js"), os.path.join(s.repo, "node_modules"))
    report = os.path.join(s.tmp, "capture-report.json")
    proc, _ = run_capture(s, ["node", "node_modules/knex/bin/cli.js", "migrate:latest"],
                          options=("--ci", "--max-risk", max_risk, "--format", "json", "-o", report))
    found = set()
    if os.path.isfile(report):
        for f in json.load(open(report)).get("files", []):
            for finding in f.get("findings", []):
                found.add((f.get("path", ""), finding.get("rule", "")))
    return proc, found


def knex_other_database(s):
    proc, found = capture(s, OTHER_DATABASE)
    check(proc.returncode != 0, f"capture --ci fails: exit {proc.returncode}, findings {sorted(found)}\n{proc.stderr[-1500:]}")
    refused = "permission denied for database" in proc.stderr
    bypass = ("<capture>", "unknown-statement") in found
    check(refused or bypass, f"the second connection is refused or reported as a bypass: {sorted(found)}\n{proc.stderr[-1500:]}")


def knex_catalog_set_config(s):
    proc, found = capture(s, CATALOG_SET_CONFIG)
    check(any(rule == "lock-timeout-zero" for _, rule in found), f"lock-timeout-zero is reported: {sorted(found)}\n{proc.stderr[-1500:]}")
    check(proc.returncode == 1, f"capture --ci fails on the finding: exit {proc.returncode}\n{proc.stderr[-1500:]}")


def knex_catalog_reads(s):
    proc, found = capture(s, CATALOG_READS, "critical")
    check(not any(rule in ("unknown-statement", "lock-timeout-zero") for _, rule in found), f"no unknown, no lock-timeout-zero: {sorted(found)}")
    check("reads of the system catalogs left out" in proc.stderr, f"the read of the catalog is left out and counted:\n{proc.stderr[-1500:]}")
    check(proc.returncode == 0, f"capture --ci passes: exit {proc.returncode}\n{proc.stderr[-1500:]}")


SCENARIOS = {f.__name__: f for f in (knex_other_database, knex_catalog_set_config, knex_catalog_reads)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
