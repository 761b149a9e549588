"""Files pgfence read as migrations or settings that no tool runs or loads (stranger review 87,
classes F and G, and its exit 2). Each builds a real git repository and runs `pgfence analyze .`
from its root, as the review did; each hostile scenario fails on the binary before the fix, each
*_control twin passes on both.

- loose_benchmark_query: a knex project's test-queries/q.sql (a benchmark query with a typo) is no
  migration: no tool's name, marker, settings or convention folder claims it and no deploy command
  runs it. It was HIGH unparsable and exit 2; now a skipped entry saying why.
- loose_compose_initdb: setup/db/10-init.sql, mounted by docker-compose.yml into
  /docker-entrypoint-initdb.d (the postgres image runs it once, on an empty data directory), is an
  init script of a new database, said so, not a migration of the production one.
- loose_psql_workflow_control: the same loose file named by a workflow's `psql -f` is run by the
  deploy: analysed, its finding kept.
- knex_runner_not_migration: db/migrations.ts (the runner calling knex.migrate.latest()) and
  scripts/duplicateUserMigration.ts hold "migration" only in their own names: no migrations.
- knex_named_folder_control: a knexfile's migrations.directory ./db/changes holds
  20240101_drop.js, whose name holds no "migration": still read as knex's.
- settings_type_member: src/config/loader.ts's `schema: S;` (a TypeScript type member) is no
  node-config setting: no unknown at its line.
- settings_large_script: a 1.5 MiB generated script is read (up to --max-file-size) rather than
  reported as a settings file too large to read.

    test_discover_loose.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import repository, run  # noqa: E402

KNEX = {
    "package.json": '{"name": "app", "scripts": {"migrate": "knex migrate:latest"}, "dependencies": {"knex": "^3.0.0", "pg": "^8.0.0"}}\n',
    "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
    "migrations/20240101000000_users.js": ("exports.up = (knex) => knex.schema.createTable('users', (t) => { t.bigIncrements('id'); });\n"
                                           "exports.down = (knex) => knex.schema.dropTable('users');\n"),
}


def analyze(s):
    proc = run(s, "analyze", "--no-config", "--format", "json", "--jobs", "1", ".")
    check(proc.returncode in (0, 1), f"analyze --format json: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    files = {}
    for f in report["files"]:
        files[f["path"][2:] if f["path"].startswith("./") else f["path"]] = f
    return files, proc


def skipped_saying(files, path, words):
    check(path in files, f"{path} is listed: {sorted(files)}")
    f = files[path]
    check(f.get("skipped") is True and not f["findings"], f"{path} is skipped, with no finding: {json.dumps(f)[:1500]}")
    for w in words:
        check(w in (f.get("skip_reason") or ""), f"{path}: the reason says {w!r}: {f.get('skip_reason')}")


def loose_benchmark_query(s):
    files = dict(KNEX)
    files["test-queries/closure.sql"] = "SELEC id FROM users WHERE id = 1;\n"
    repository(s, files, {"test-queries/fast.sql": "SELECT id FROM users;\n"})
    found, _ = analyze(s)
    for path in ("test-queries/closure.sql", "test-queries/fast.sql"):
        skipped_saying(found, path, ["not a migration", "migrations/20240101000000_users.js"])
    check("migrations/20240101000000_users.js" in found and not found["migrations/20240101000000_users.js"].get("skipped"),
          "the knex migration is still read")


COMPOSE = ("services:\n  db:\n    image: postgres:16\n    volumes:\n"
           "      - ./setup/db/10-init.sql:/docker-entrypoint-initdb.d/10-init.sql\n")


def loose_compose_initdb(s):
    files = dict(KNEX)
    files["docker-compose.yml"] = COMPOSE
    files["setup/db/10-init.sql"] = "ALTER SYSTEM SET wal_level = logical;\n"
    repository(s, files, {"setup/db/README": "dev database\n"})
    found, _ = analyze(s)
    skipped_saying(found, "setup/db/10-init.sql", ["init script", "docker-compose.yml:5", "/docker-entrypoint-initdb.d", "empty"])


def loose_psql_workflow_control(s):
    files = dict(KNEX)
    files["test-queries/fix.sql"] = "DROP TABLE users;\n"
    files[".github/workflows/deploy.yml"] = ("name: deploy\non: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                             "      - uses: actions/checkout@v4\n"
                                             "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f test-queries/fix.sql\n")
    repository(s, files, {"README.md": "app\n"})
    found, _ = analyze(s)
    check("test-queries/fix.sql" in found and not found["test-queries/fix.sql"].get("skipped"), f"the psql file is read: {sorted(found)}")
    check(any(x["rule"] == "ban-drop-table" or "DROP" in x["message"] for x in found["test-queries/fix.sql"]["findings"]),
          f"its DROP TABLE is a finding: {found['test-queries/fix.sql']['findings']}")


RUNNER = ("import type { Knex } from 'knex'\n\nexport const migrateDbToLatest = async (db: Knex) => {\n"
          "  await db.migrate.latest()\n}\n")
ONE_OFF = ("import { knex } from '@/db/knex'\n\nconst Users = () => knex('users')\n\n"
           "export async function duplicateUsers() {\n  return Users().select('id').where({ suspended: true })\n}\n")


def liquibase_changelog_kept(s):
    """A Liquibase formatted SQL changelog beside a knex project (red team R88c F5): its first line
    makes it Liquibase's, so it is read and its DROP TABLE is a finding, not set aside as loose SQL."""
    files = dict(KNEX)
    files["liquibase.properties"] = "changeLogFile: db/changelog.sql\n"
    files["db/changelog.sql"] = "-- Liquibase Formatted SQL\n\n--changeset ops:1\nDROP TABLE users;\n"
    repository(s, files, {"README.md": "app\n"})
    found, _ = analyze(s)
    f = found.get("db/changelog.sql", {})
    check(not f.get("skipped") and any(x["rule"] == "drop-table" for x in f.get("findings", [])), f"the changelog is read: {json.dumps(f)[:1500]}")


def knex_runner_not_migration(s):
    files = dict(KNEX)
    files["db/migrations.ts"] = RUNNER
    files["scripts/duplicateUserMigration.ts"] = ONE_OFF
    repository(s, files, {"README.md": "app\n"})
    found, _ = analyze(s)
    for path in ("db/migrations.ts", "scripts/duplicateUserMigration.ts"):
        check(path not in found, f"{path} is not read as a migration: {json.dumps(found.get(path))[:1200]}")
    check("migrations/20240101000000_users.js" in found, f"the knex migration is still read: {sorted(found)}")


def knex_named_folder_control(s):
    files = dict(KNEX)
    del files["migrations/20240101000000_users.js"]
    files["knexfile.js"] = "module.exports = { client: 'pg', migrations: { directory: './db/changes' } };\n"
    files["db/changes/20240101000000_users.js"] = KNEX["migrations/20240101000000_users.js"]
    repository(s, files, {"db/changes/20240102000000_drop.js": ("exports.up = (knex) => knex.schema.dropTable('users');\n"
                                                                "exports.down = () => {};\n")})
    found, _ = analyze(s)
    path = "db/changes/20240102000000_drop.js"
    check(path in found and found[path].get("tool") == "knex" or found.get(path, {}).get("source_kind") == "knex",
          f"{path} is read as knex's: {json.dumps(found.get(path))[:800]}")
    check(any(x["risk"] in ("HIGH", "CRITICAL") for x in found[path]["findings"]), f"its DROP TABLE is a finding: {found[path]['findings']}")


LOADER = ("import { Static, TSchema } from '@sinclair/typebox';\n\n"
          "export function loadConfig<S extends TSchema>({\n  schema,\n  keys,\n}: {\n  schema: S;\n  keys: string[];\n}): Static<S> {\n"
          "  return schema as any;\n}\n")


def unknown_lines(found, path):
    return [x["start"]["line"] for x in found.get(path, {}).get("findings", []) if x["rule"] == "unknown-statement"]


def settings_type_member(s):
    files = dict(KNEX)
    files["packages/lib/package.json"] = '{"name": "lib"}\n'
    files["packages/lib/src/config/loader.ts"] = LOADER
    repository(s, files, {"README.md": "app\n"})
    found, _ = analyze(s)
    check(not unknown_lines(found, "packages/lib/src/config/loader.ts"),
          f"no unknown for a type member: {json.dumps(found.get('packages/lib/src/config/loader.ts'))[:1500]}")


def settings_large_script(s):
    files = dict(KNEX)
    body = "".join(f"export type T{i} = {{ id: string; name?: string | null }};\n" for i in range(30000))
    files["web/lib/generated/graphql.ts"] = "/* eslint-disable */\n" + body
    check(len(files["web/lib/generated/graphql.ts"]) > (1 << 20), "the script is over 1 MiB")
    repository(s, files, {"README.md": "app\n"})
    found, proc = analyze(s)
    check("web/lib/generated/graphql.ts" not in found, f"not an unread settings file: {json.dumps(found.get('web/lib/generated/graphql.ts'))[:800]}")


SCENARIOS = {f.__name__: f for f in (loose_benchmark_query, loose_compose_initdb, loose_psql_workflow_control, liquibase_changelog_kept, knex_runner_not_migration,
                                     knex_named_folder_control, settings_type_member, settings_large_script)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
