"""Precision on real projects, continued (round 83: grist-core, outline, umami): findings the base
made that were false, each as a control that is clean now, and beside it the dangerous variant of
the same shape, which is still reported. Real git repositories, the real binary (`analyze .`).

    test_review_precision_more.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from pr_test import git  # noqa: E402
from test_review_precision import analyze, env, linked, not_a_file, repository  # noqa: E402


def unknowns(findings, under=""):
    return sorted((path, line) for path, rule, line, risk in findings if rule == "unknown-statement" and path.startswith(under))


TYPEORM = {
    "data-source.js": ("const { DataSource } = require('typeorm');\n"
                       "module.exports = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, "
                       "migrations: ['migrations/*.js'] });\n"),
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "typeorm migration:run -d data-source.js"},
                                "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n",
}

# grist-core app/gen-server/sqlUtils.ts: switches on TypeORM's database type.
SQL_UTILS = ("exports.now = function (dbType) {\n"
             "  switch (dbType) {\n"
             "    case 'postgres': return 'now()';\n"
             "    case 'sqlite': return \"datetime('now')\";\n"
             "    default: throw new Error(`now not implemented for ${dbType}`);\n"
             "  }\n"
             "};\n")


def typeorm_migration(body):
    return ("const { Table } = require('typeorm');\n"
            "const sqlUtils = require('../lib/sqlUtils');\n"
            "module.exports = class M1700000000000 {\n"
            "  async up(queryRunner) {\n" + body +
            "  }\n  async down() {}\n};\n")


def driver_type_values(s):
    """grist-core's migrations: the database type read from the runner's connection, compared,
    kept in a name, handed to a helper that switches on it, and the strings made from it handed into
    `new Table({...})`: values, not the runner; no unknown for any of them. The one unknown left is
    the createTable call (line 11): TypeORM writes a column's `default` into its SQL as it is
    (red team R87 F7), and a default a helper computes is text pgfence does not read."""
    body = ("    const dbType = queryRunner.connection.driver.options.type;\n"
            "    const sqlite = queryRunner.connection.driver.options.type === 'sqlite';\n"
            "    const { type } = queryRunner.connection.options;\n"
            "    const datetime = sqlite ? 'datetime' : 'timestamp with time zone';\n"
            "    const now = sqlUtils.now(dbType);\n"
            "    const later = sqlUtils.now(queryRunner.driver.options.type);\n"
            "    await queryRunner.createTable(new Table({ name: 'events', columns: [\n"
            "      { name: 'id', type: 'integer', isPrimary: true },\n"
            "      { name: 'at', type: 'timestamp with time zone', default: now },\n"
            "      { name: 'until', type: 'timestamp with time zone', default: later, comment: type },\n"
            "    ] }));\n")
    repository(s, {**TYPEORM, "lib/sqlUtils.js": SQL_UTILS, "migrations/1700000000000-M.js": typeorm_migration(body)})
    found = unknowns(analyze(s))
    check(found == [("migrations/1700000000000-M.js", 11)], f"only the createTable with a computed default is unknown: {found}")


def driver_type_runner_kept(s):
    """What can still send SQL stays unknown: the connection itself kept and used, a member past the
    type (`.type.constructor`), a helper whose module loads a driver though it also compares
    'postgres', and the runner handed beside the type."""
    body = ("    const conn = queryRunner.connection;\n"
            "    await conn.query('DROP TABLE a');\n"                                     # line 6
            "    const make = queryRunner.connection.driver.options.type.constructor;\n"
            "    make('x');\n"                                                            # line 8
            "    const now = sqlUtils.now(queryRunner.connection.driver.options.type);\n"  # line 9
            "    other(queryRunner, queryRunner.driver.type);\n")                         # line 10
    utils = "const { Client } = require('pg');\n" + SQL_UTILS.replace("case 'sqlite'", "case 'pg'")
    repository(s, {**TYPEORM, "lib/sqlUtils.js": utils, "migrations/1700000000000-M.js": typeorm_migration(body)})
    findings = analyze(s)
    lines = sorted({line for path, line in unknowns(findings, "migrations/")})
    check(all(line in lines for line in (8, 9, 10)), f"lines 8, 9 and 10 unknown: {lines}")
    dropped = [(rule, risk) for path, rule, line, risk in findings if path.startswith("migrations/") and line == 6]
    check(any(risk in ("CRITICAL", "HIGH") or rule == "unknown-statement" for rule, risk in dropped),
          f"the DROP TABLE through the connection is reported: {dropped}")


SEQUELIZE = {
    ".sequelizerc": "const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('migrations') };\n",
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "sequelize db:migrate"},
                                "dependencies": {"sequelize": "6", "sequelize-cli": "6", "pg": "8"}}) + "\n",
}


def sequelize_migration(body):
    return ("'use strict';\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n" + body +
            "  },\n  async down() {},\n};\n")


def query_types_values(s):
    """outline's data migrations: `{ type: queryInterface.sequelize.QueryTypes.SELECT }` and the
    same through `const { QueryTypes } = queryInterface.sequelize` handed to a query: a constant."""
    body = ("    const { QueryTypes } = queryInterface.sequelize;\n"
            "    const users = await queryInterface.sequelize.query('SELECT id FROM users LIMIT 10', {\n"
            "      type: queryInterface.sequelize.QueryTypes.SELECT,\n"
            "    });\n"
            "    await queryInterface.sequelize.query('SELECT id FROM teams LIMIT 10', { type: QueryTypes.SELECT });\n"
            "    await queryInterface.sequelize.query('SELECT id FROM teams LIMIT 10', { type: Sequelize.QueryTypes.SELECT });\n")
    repository(s, {**SEQUELIZE, "migrations/20200101000000-m.js": sequelize_migration(body)})
    found = unknowns(analyze(s))
    check(found == [], f"nothing unknown: {found}")


def query_types_runner_kept(s):
    """The runner's sequelize handed in the options, or a member past QueryTypes' names, stays unknown."""
    body = ("    await queryInterface.sequelize.query('SELECT 1', { type: queryInterface.sequelize.QueryTypes.SELECT,\n"
            "      transaction: keep(queryInterface.sequelize) });\n"                                   # line 5
            "    const F = queryInterface.sequelize.QueryTypes.constructor;\n"
            "    F('x');\n")                                                                          # line 7
    repository(s, {**SEQUELIZE, "migrations/20200101000000-m.js": sequelize_migration(body)})
    lines = sorted({line for path, line in unknowns(analyze(s), "migrations/")})
    check(5 in lines and 7 in lines, f"lines 5 and 7 unknown: {lines}")


def package_links_skipped(s):
    """grist-core's static/mocha.js -> ../node_modules/mocha/mocha.js (sinon.js,
    swagger-ui-bundle.js): scripts of an installed package served to the browser, in no folder a
    migration tool loads: no CRITICAL, with or without node_modules installed."""
    linked(s, {"static/mocha.js": "../node_modules/mocha/mocha.js",
               "static/sinon.js": "../node_modules/sinon/pkg/sinon.js",
               "static/swagger-ui-bundle.js": "../node_modules/swagger-ui-dist/swagger-ui-bundle.js"})
    found = not_a_file(analyze(s))
    check(found == [], f"no migration-not-a-file for the package links: {found}")


def package_links_reported(s):
    """Script links that a tool may load stay CRITICAL: one in a migrations folder, one whose target
    names a migration, one to a file of the repository, and one in the folder knex's settings name
    (db/changes), which names no migration."""
    files = {"knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './db/changes' } };\n",
             "package.json": json.dumps({"name": "app", "scripts": {"migrate": "knex migrate:latest"},
                                         "dependencies": {"knex": "3", "pg": "8"}}) + "\n",
             "db/changes/001_init.js": ("exports.up = (knex) => knex.raw('CREATE TABLE t (id int PRIMARY KEY)');\n"
                                        "exports.down = () => {};\n"),
             "lib/x.js": "console.log(1);\n"}
    repository(s, files)
    links = {"migrations/002_x.js": "../node_modules/pkg/x.js",
             "static/y.js": "../node_modules/pkg/migrations/002_y.js",
             "static/z.js": "../lib/x.js",
             "db/changes/002_w.js": "../../node_modules/pkg/w.js"}
    for name, target in links.items():
        os.makedirs(os.path.dirname(os.path.join(s.repo, name)), exist_ok=True)
        os.symlink(target, os.path.join(s.repo, name))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "links")
    found = not_a_file(analyze(s))
    check(found == sorted(links), f"each link is CRITICAL: {found}")


KNEX = {"package.json": json.dumps({"name": "app", "scripts": {"migrate": "knex migrate:latest"},
                                    "dependencies": {"knex": "3", "pg": "8"}}) + "\n"}


def knex_migration(body):
    return "exports.up = async (knex) => {\n" + body + "};\nexports.down = async () => {};\n"


def drops(findings):
    return sorted(line for path, rule, line, risk in findings if path.startswith("migrations/") and rule == "drop-table")


def scopes_shadowing(s):
    """Names a block, a catch or a function binds of its own are not the runner or its alias
    outside: a block's `const s` beside an alias s of knex.schema, a loop's `const s`, a callback's
    and a catch's parameter named knex, a block's `let knex = 5`: nothing unknown, and the drops
    through the outer alias and the runner after them are read."""
    body = ("  const s = knex.schema;\n"
            "  if (process.env.X) {\n"
            "    const s = 'users';\n"
            "    console.log(s);\n"
            "  }\n"
            "  await s.dropTable('t1');\n"                              # line 7
            "  const ids = [1, 2].map((knex) => knex + 1);\n"
            "  try {\n"
            "    await knex.raw('SELECT 1');\n"
            "  } catch (knex) {\n"
            "    console.log(knex.message);\n"
            "  }\n"
            "  for (const s of ['a', 'b']) console.log(s);\n"
            "  {\n"
            "    let knex = 5;\n"
            "    console.log(knex);\n"
            "  }\n"
            "  await knex.schema.dropTable('t2');\n")                   # line 19
    repository(s, {**KNEX, "migrations/20200101000000_a.js": knex_migration(body)})
    findings = analyze(s)
    found = unknowns(findings)
    check(found == [], f"nothing unknown: {found}")
    check(drops(findings) == [7, 19], f"both drops read: {drops(findings)}")


def scopes_runner_kept(s):
    """An inner binding of the runner is still the runner: a block's alias of it, a block's `knex`
    bound to what a call returns (unknown where used), a block that only assigns an outer name, a
    transaction's callback whose parameter is named knex, and an alias of a transaction's parameter
    (`const s = trx.schema`), which the base read as nothing at all."""
    body = ("  { const k2 = knex; await k2.schema.dropTable('a'); }\n"            # line 2
            "  { let knex = await getX(); await knex.schema.dropTable('b'); }\n"  # line 3 (unknown at `knex =`)
            "  let t = 'x';\n"
            "  if (y) { t = knex.schema; }\n"
            "  await t.dropTable('c');\n"                                          # line 6
            "  await knex.transaction(async (knex) => { await knex.schema.dropTable('d'); });\n"  # line 7
            "  await knex.transaction(async (trx) => {\n"
            "    const s = trx.schema;\n"
            "    await s.dropTable('e');\n"                                        # line 10
            "  });\n")
    repository(s, {**KNEX, "migrations/20200101000000_a.js": knex_migration(body)})
    findings = analyze(s)
    lines = sorted(set(drops(findings)) | {line for path, line in unknowns(findings, "migrations/")})
    check(all(line in lines for line in (2, 3, 6, 7, 10)), f"lines 2, 3, 6, 7 and 10 reported: {lines}")


def knex_builder_changed(s):
    """kutt 20241103083933_user-roles.js: a Knex builder changed in place in a loop (`q.where(...)`,
    `q.orWhere(...)` as statements, which send nothing) and then awaited: no UPDATE read without its
    WHERE (the base: a HIGH update-without-where and a backfill per change), but the awaited
    builder unknown at its line; a builder awaited as built is still read."""
    body = ("  const q = knex('users').update('role', 'admin');\n"
            "  emails.forEach((e, i) => {\n"
            "    if (i === 0) q.where('email', e);\n"
            "    else q.orWhere('email', e);\n"
            "  });\n"
            "  await q;\n"                                                  # line 7
            "  const r = knex('teams').where('id', 1);\n"
            "  await r.update({ name: 'x' });\n")                           # line 9
    repository(s, {**KNEX, "migrations/20200101000000_a.js": knex_migration(body)})
    findings = analyze(s)
    mine = sorted((rule, line) for path, rule, line, risk in findings if path.startswith("migrations/") and rule != "lock-timeout-missing")
    check(("update-without-where", 7) not in mine and not any(line in (3, 4) for rule, line in mine),
          f"no UPDATE read without its WHERE, nothing at the changes: {mine}")
    check(("unknown-statement", 7) in mine, f"the awaited builder is unknown: {mine}")
    check(not any(rule == "unknown-statement" and line == 9 for rule, line in mine), f"the builder awaited as built is read: {mine}")


PRISMA = {"package.json": json.dumps({"name": "app", "scripts": {"update-db": "prisma migrate deploy"},
                                      "dependencies": {"prisma": "6"}}) + "\n",
          "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
          "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
          "prisma/migrations/01_init/migration.sql": "CREATE TABLE website_event (id uuid PRIMARY KEY, q text, c text);\n"}

# umami db/postgresql/data-migrations/convert-utm-clid-columns.sql, shortened.
DUAL = ("-----------------------------------------------------\n-- PostgreSQL\n"
        "-----------------------------------------------------\n"
        "UPDATE \"website_event\" SET c = LEFT(q, 255);\n\n"
        "-----------------------------------------------------\n-- MySQL\n"
        "-----------------------------------------------------\n"
        "UPDATE `website_event` SET c = LEFT(q, 255);\n")


def analyze_unparsable(s):
    """analyze, where an unparsable statement (exit 2) is expected too."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1, 2), f"analyze: exit {proc.returncode}: {proc.stderr}")
    report = json.loads(proc.stdout)
    return [(os.path.normpath(f["path"]), x["rule"], x["start"]["line"], x["risk"]) for f in report["files"] for x in f["findings"]]


def reported(findings, path):
    return sorted((rule, line) for p, rule, line, risk in findings if p == path)


def manual_script_skipped(s):
    """umami: a data-migration script with a PostgreSQL section and a MySQL one, beside Prisma's
    migrations, which `prisma migrate deploy` does not run: not reported as a migration (the base
    gave it an unparsable HIGH and a backfill)."""
    path = "db/postgresql/data-migrations/convert-utm-clid-columns.sql"
    repository(s, {**PRISMA, path: DUAL})
    found = reported(analyze_unparsable(s), path)
    check(found == [], f"no findings for the script run by hand: {found}")


def manual_script_kept(s):
    """Still read as migrations: the same sections in a file named as another tool's migration (a
    version first), in Prisma's own folder's migration.sql, a file with one dialect only, and the
    same file where the repository has no Prisma migrations."""
    files = {**PRISMA, "db/20240101000000_fix.sql": DUAL, "prisma/migrations/02_fix/migration.sql": DUAL,
             "db/scripts/only_pg.sql": "UPDATE website_event SET c = LEFT(q, 255);\n"}
    repository(s, files)
    findings = analyze_unparsable(s)
    for path in ("db/20240101000000_fix.sql", "prisma/migrations/02_fix/migration.sql", "db/scripts/only_pg.sql"):
        check(reported(findings, path) != [], f"{path} is read: {reported(findings, path)}")


def manual_script_no_prisma(s):
    """Without Prisma's migrations the two-section file is read as before."""
    path = "db/postgresql/data-migrations/convert-utm-clid-columns.sql"
    repository(s, {"package.json": '{"name":"app"}\n', path: DUAL})
    check(reported(analyze_unparsable(s), path) != [], "the file is read")


SCENARIOS = {f.__name__: f for f in (knex_builder_changed, manual_script_skipped, manual_script_kept, manual_script_no_prisma, driver_type_values, driver_type_runner_kept, query_types_values, query_types_runner_kept,
                                     package_links_skipped, package_links_reported, scopes_shadowing, scopes_runner_kept)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
