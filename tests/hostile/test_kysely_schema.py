"""Red team R78a B2: Kysely's schema builder has knex's head (`db.schema.alterTable('users')`) but
not its body (`.dropColumn('email').execute()`), and Kysely's Migrator calls each file's up(db)
(kysely src/migration/migrator.ts). Such a migration was read as knex and reported clean: 0
statements, exit 0. Now a file that imports kysely (`import type` too), or one in a project that
depends on kysely, is not read as knex, and any call chained on a schema builder that knex's does
not have is unknown at its line. Genuine knex migrations read as before. Real git repositories,
the real binary (`analyze --ci --unknown block`, `pr` with local flags).

    test_kysely_schema.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

KYSELY_PACKAGE = ('{"name":"app","scripts":{"migrate":"kysely migrate:latest"},'
                  '"dependencies":{"kysely":"^0.27.4","pg":"^8.11.0"},"devDependencies":{"kysely-ctl":"^0.9.0"}}\n')
KYSELY_CONFIG = ('import { defineConfig } from "kysely-ctl";\nimport { PostgresDialect } from "kysely";\nimport { Pool } from "pg";\n'
                 'export default defineConfig({\n  dialect: new PostgresDialect({ pool: new Pool({ connectionString: process.env.DATABASE_URL }) }),\n'
                 '  migrations: { migrationFolder: "src/db/migrations" },\n});\n')
INIT_JS = ('exports.up = async function up(db) {\n  await db.schema.createTable("users").addColumn("id", "serial", (c) => c.primaryKey())'
           '.addColumn("email", "text").execute();\n};\nexports.down = async function down(db) {};\n')
# ky4: what Kysely's Migrator sends for it is `alter table "users" drop column "email"` and
# `alter table "users" alter column "id" type integer` (run by the red team on PostgreSQL 15).
CLEANUP_JS = ('exports.up = async function up(db) {\n  await db.schema.alterTable("users").dropColumn("email").execute();\n'
              '  await db.schema.alterTable("users").alterColumn("id", (c) => c.setDataType("integer")).execute();\n};\n'
              'exports.down = async function down(db) {};\n')
CLEANUP_TS = ("import type { Kysely } from 'kysely'\n\nexport async function up(db: Kysely<any>): Promise<void> {\n"
              "  await db.schema.alterTable('users').dropColumn('email').execute()\n"
              "  await db.schema.alterTable('users').alterColumn('id', (c) => c.setDataType('integer')).execute()\n}\n\n"
              "export async function down(db: Kysely<any>): Promise<void> {}\n")


def env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}


def repository(s, base_files, head_files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")


def analyze(s):
    """The gate: `pgfence analyze --ci --unknown block --max-risk low .`; its exit and JSON files by path."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    return proc, {os.path.normpath(f["path"]): f for f in json.loads(proc.stdout)["files"]}


def pr(s):
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                           "--format", f"json={out}"], cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"pr: exit {proc.returncode}: {proc.stderr}")
    with open(out) as f:
        return proc, {f["path"]: f for f in json.load(f)["files"]}


def rules(files, path):
    check(path in files, f"{path} is in the report: {sorted(files)}")
    return sorted((x["rule"], x["start"]["line"]) for x in files[path]["findings"])


def not_clean(s, path, lines):
    """The migration is unknown at the given lines (or at its up()), in analyze and in pr: never clean."""
    proc, files = analyze(s)
    found = rules(files, path)
    unknown = [line for rule, line in found if rule == "unknown-statement"]
    check(unknown and all(line in lines for line in unknown), f"analyze: unknown at {lines}: {found}")
    check(proc.returncode == 1, f"analyze --ci --unknown block fails: exit {proc.returncode}")
    proc, files = pr(s)
    found = rules(files, path)
    check(any(rule == "unknown-statement" for rule, _ in found), f"pr: the migration is unknown: {found}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}")


def kysely_js(s):
    """KYJS: ky4 as it came, a CommonJS migration in a project that depends on kysely (and not knex)."""
    repository(s, {"package.json": KYSELY_PACKAGE, "kysely.config.ts": KYSELY_CONFIG, "src/db/migrations/2024_01_01_init.js": INIT_JS},
               {"src/db/migrations/2024_03_01_cleanup.js": CLEANUP_JS})
    not_clean(s, "src/db/migrations/2024_03_01_cleanup.js", {1, 2, 3})


def kysely_ts_import_type(s):
    """KYTS: a TypeScript migration whose only kysely import is `import type`, in a workspace whose top
    package.json names no tool: the import says it is Kysely's."""
    repository(s, {"package.json": '{"name":"mono","private":true,"workspaces":["packages/*"]}\n',
                   "packages/db/src/migrations/2024_01_01_init.ts": "import type { Kysely } from 'kysely'\n\nexport async function up(db: Kysely<any>) {}\n"},
               {"packages/db/src/migrations/2024_03_01_cleanup.ts": CLEANUP_TS})
    not_clean(s, "packages/db/src/migrations/2024_03_01_cleanup.ts", {1, 2, 3, 4, 5})


def kysely_in_knex_project(s):
    """KYKNEX: the same chains in a project that also has a knexfile (so the file is read as knex):
    each chain knex's schema builder does not have is unknown at its own line."""
    repository(s, {"knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n",
                   "package.json": '{"name":"app","dependencies":{"knex":"^3.1.0","pg":"^8"}}\n',
                   "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('CREATE TABLE users (id bigserial PRIMARY KEY, email text)');\n"
                                                        "exports.down = () => {};\n"},
               {"migrations/20240301000000_cleanup.js": CLEANUP_JS})
    not_clean(s, "migrations/20240301000000_cleanup.js", {2, 3})


KNEX_ALTER = """exports.up = async function (knex) {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('email');
  });
  await knex.schema.withSchema('public').table('orders', function (table) {
    table.string('note');
  });
  if (await knex.schema.hasTable('legacy')) {
    await knex.schema.dropTable('legacy');
  }
  await knex.schema.createTable('audit', (t) => {
    t.increments();
    t.text('what');
  }).then(() => knex.schema.raw('SELECT 1'));
};
exports.down = async function () {};
"""


def knex_still_read(s):
    """KNEXREAD (guard): genuine knex schema calls (alterTable/table with a callback, withSchema,
    hasTable, then) are read as before, with no unknown: the drop column and drop table are findings."""
    repository(s, {"knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n",
                   "package.json": '{"name":"app","dependencies":{"knex":"^3.1.0","pg":"^8"}}\n',
                   "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('CREATE TABLE users (id bigserial PRIMARY KEY, email text); "
                                                        "CREATE TABLE orders (id bigserial PRIMARY KEY); CREATE TABLE legacy (id int)');\n"
                                                        "exports.down = () => {};\n"},
               {"migrations/20240301000000_change.js": KNEX_ALTER})
    proc, files = analyze(s)
    found = rules(files, "migrations/20240301000000_change.js")
    check(not any(rule == "unknown-statement" for rule, _ in found), f"no unknown in a genuine knex migration: {found}")
    check(any(rule == "drop-column" and line == 3 for rule, line in found), f"knex's drop column is read: {found}")
    check(any(rule == "drop-table" and line == 9 for rule, line in found), f"knex's drop table is read: {found}")


SCENARIOS = {f.__name__: f for f in (kysely_js, kysely_ts_import_type, kysely_in_knex_project, knex_still_read)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
