"""ORM migrations that run SQL pgfence did not see (red team c, sections 7, 12, 14, 15, 16, 20):
Knex's migrator called from a migration (knex.migrate.rollback(null, true) runs every earlier
migration's down()), drivers loaded through a require that is not the plain `require`
(`const r = require`, module.require, process.mainModule.require, a path under the driver's
package), migration files the tools run under names pgfence's globs did not take, TypeORM
migrations listed as imported classes, and ORM deletes whose SQL has no WHERE.

Each migration goes through a real git repository, `pgfence analyze --ci --unknown block` and
`pgfence pr` against the GitHub double (test_orm_coverage.gate_pull_request): both fail, never say
"0 unknown" where something is unknown, and every line marked "// expect: RULE" carries that finding.

    test_orm_hidden_runs.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request, pull_request  # noqa: E402

KNEX_BASE = {"package.json": '{"dependencies": {"knex": "^3.1.0", "pg": "^8"}}\n',
             "knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n"}


def findings_at(report, line):
    return [f for file in report["files"] for f in file["findings"] if f["start"]["line"] == line]


# Section 7: knex.migrate is a Migrator on the same connection (knex/lib/knex-builder/make-knex.js);
# rollback(config, true) runs every earlier migration's down() (knex/lib/migrations/migrate/
# Migrator.js). A transaction's own rollback() stays a read of nothing.
KNEX_MIGRATOR = """exports.up = async function (knex) {
  await knex.raw('UPDATE knex_migrations_lock SET is_locked = 0 WHERE index = 1');
  await knex.migrate.rollback(null, true); // expect: unknown-statement
  const m = knex.migrate;
  await m.rollback({}, true); // expect: unknown-statement
  await knex['migrate'].down(); // expect: unknown-statement
  await knex.seed.run(); // expect: unknown-statement
  await knex.transaction(async (trx) => {
    await trx.rollback();
  });
};

exports.down = async function () {};
"""


def knex_migrator(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", KNEX_MIGRATOR, KNEX_BASE)
    check("Knex's migrator" in str(findings_at(report, 3)), f"the unknown says what the migrator does: {findings_at(report, 3)}")
    check(not findings_at(report, 9), f"a transaction's own rollback() is not reported: {findings_at(report, 9)}")


# Section 20: a driver loaded through something other than the plain `require`, or by a path
# under its package (Node resolves 'pg/lib/client' inside the pg package: nodejs/node
# doc/api/modules.md LOAD_NODE_MODULES).
OWN_REQUIRE = """const r = require;
const load = module.require;
const { Pool } = process.mainModule.require('pg');
const { require: rq } = module;

exports.up = async () => {
  const Client = require('pg/lib/client'); // expect: unknown-statement
  const { Client: C2 } = r('pg'); // expect: unknown-statement
  const { Client: C3 } = module.require('pg'); // expect: unknown-statement
  const pg = load('pg'); // expect: unknown-statement
  const { Client: C4 } = require.main.require('pg'); // expect: unknown-statement
  const pool = new Pool(); // expect: unknown-statement
  await pool.query('DROP TABLE orders'); // expect: unknown-statement
  const mod = require('node:module'); // expect: unknown-statement
  const N = require('@neondatabase/serverless/index.js'); // expect: unknown-statement
  const c5 = rq('pg'); // expect: unknown-statement
  const c6 = require.call(null, 'pg'); // expect: unknown-statement
  const c7 = require('node:module')._load('pg'); // expect: unknown-statement
  const spawn = process.binding('spawn_sync'); // expect: unknown-statement
};

exports.down = function () {};
"""


# The module's own top-level code runs when the tool loads the migration (knex require()s it):
# a query there on a connection of the migration's own is unknown at its line.
TOP_LEVEL = """const r = require;
const { Pool } = require('pg');
const pool = new Pool();
pool.query('DROP TABLE orders'); // expect: unknown-statement
new Pool().query('TRUNCATE carts'); // expect: unknown-statement
const { Client } = r('pg'); // expect: unknown-statement

exports.up = async function (knex) {
  await knex.schema.dropTable('coupons'); // expect: drop-table
};

exports.down = async function () {};
"""


def top_level(s):
    gate_pull_request(s, "migrations/20240102000000_change.js", TOP_LEVEL, KNEX_BASE)


def own_require(s):
    gate_pull_request(s, "migrations/20240102000000_change.js", OWN_REQUIRE, KNEX_BASE)


# Section 12: ORM deletes whose SQL has no WHERE (or `WHERE 1=1`), as the real tools compile them
# (knex 3.1 toString(), Sequelize 6.37 queryGenerator.deleteQuery()/updateQuery()): the every-row
# finding, not a MEDIUM `WHERE $1`.
EVERY_ROW_KNEX = """exports.up = async function (knex) {
  await knex('orders').where('id', 1).clearWhere().del(); // expect: delete-without-where
  await knex('carts').where('id', 1).clear('where').del(); // expect: delete-without-where
  await knex('coupons').whereNotIn('id', []).del(); // expect: delete-without-where
  await knex('sessions').clearWhere().where('expired', true).del();
};

exports.down = async function () {};
"""
EVERY_ROW_SEQUELIZE = """'use strict';
const { Op } = require('sequelize');

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.bulkDelete('orders', { [Sequelize.Op.and]: [] }); // expect: delete-without-where
    await queryInterface.bulkDelete('carts', { [Op.and]: {} }); // expect: delete-without-where
    await queryInterface.bulkDelete('coupons', { [Op.and]: [{}, {}] }); // expect: delete-without-where
    await queryInterface.bulkDelete('tokens', ''); // expect: delete-without-where
    await queryInterface.bulkDelete('audit', []); // expect: delete-without-where
    await queryInterface.bulkUpdate('invoices', { total: 0 }, { [Op.and]: [] }); // expect: update-without-where
    await queryInterface.bulkDelete('sessions', { [Op.and]: [{ expired: true }] });
  },

  async down() {},
};
"""


def every_row_knex(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", EVERY_ROW_KNEX, KNEX_BASE, unknown=False)
    sql = [st.get("sql", "") for file in report["files"] for st in file["statements"]]
    check('delete from "orders"' in sql and 'delete from "carts"' in sql, f"knex's SQL, no where: {sql}")
    check('delete from "sessions" where "expired" = $1' in sql, f"a where after clearWhere() filters: {sql}")


def every_row_sequelize(s):
    report = gate_pull_request(s, "migrations/20240102000000-change.js", EVERY_ROW_SEQUELIZE,
                               {".sequelizerc": "module.exports = {};\n",
                                "package.json": '{"dependencies": {"sequelize": "^6", "pg": "^8"}}\n'}, unknown=False)
    sql = [st.get("sql", "") for file in report["files"] for st in file["statements"]]
    for want in ['DELETE FROM "orders"', 'DELETE FROM "tokens"', 'DELETE FROM "audit" WHERE 1=1', 'DELETE FROM "sessions" WHERE $1']:
        check(want in sql, f"Sequelize's SQL {want!r}: {sql}")


# Sections 14, 15: files the tools run under names that are not a script's. Knex requires its
# default loadExtensions (.coffee, .ls, ... : MigrationsLoader.js DEFAULT_LOAD_EXTENSIONS) and Node
# runs plain JavaScript in them; node-pg-migrate loads every numbered file of its folder
# (getMigrationFilePaths). Read as JavaScript when they are; else unknown at line 1, never skipped.
COFFEE_AS_JS = """exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.dropTable('orders'); // expect: drop-table
};
exports.down = function () {};
"""
COFFEE = """exports.up = (knex) -> // expect: unknown-statement
  knex.schema.dropTable 'orders'
exports.down = ->
"""
NO_EXTENSION = """exports.up = (pgm) => {
  pgm.sql('DROP TABLE orders'); // expect: drop-table
};
exports.down = () => {};
"""
NPM_BASE = {"package.json": '{"scripts": {"migrate": "node-pg-migrate"}, "dependencies": {"node-pg-migrate": "^7", "pg": "^8"}}\n',
            "migrations/1700000000000_init.js": "exports.up = (pgm) => { pgm.sql('CREATE TABLE orders (id int)'); };\n"}


def walked(s, name):
    """`analyze .` in the pull request's checkout reads the file too."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    paths = [f["path"] for f in json.loads(proc.stdout)["files"]] if proc.stdout.startswith("{") else []
    check(any(p.endswith(name) for p in paths), f"analyze . reads {name}: {paths} {proc.stderr[-400:]}")


def knex_coffee(s):
    report = gate_pull_request(s, "migrations/20240102000000_cleanup.coffee", COFFEE_AS_JS, KNEX_BASE, unknown=False)
    check([f["source_kind"] for f in report["files"]] == ["knex"], f"read as knex: {report['files']}")
    walked(s, "20240102000000_cleanup.coffee")


def knex_coffee_unread(s):
    gate_pull_request(s, "migrations/20240102000000_cleanup.litcoffee", COFFEE, KNEX_BASE)


def npm_no_extension(s):
    report = gate_pull_request(s, "migrations/1700000000001_cleanup", NO_EXTENSION, NPM_BASE, unknown=False)
    check([f["source_kind"] for f in report["files"]] == ["node-pg-migrate"], f"read as node-pg-migrate: {report['files']}")
    walked(s, "1700000000001_cleanup")


# Section 16: TypeORM migrations listed as classes the data source imports (DataSourceOptions
# `migrations: (Function | string)[]`; MigrationExecutor runs each class): the classes' modules'
# folders are its migrations folders, so a pull request adding a class file there is reviewed
# even though the data source is unchanged; a class list pgfence cannot follow is unknown.
DATA_SOURCE_CLASSES = """import { DataSource } from "typeorm";
import * as schemaChanges from "./schema";
import { Seed1700000000002 } from "./seeds/seed";

export const AppDataSource = new DataSource({
  type: "postgres",
  url: process.env.DATABASE_URL,
  migrations: [...Object.values(schemaChanges), Seed1700000000002],
});
"""
CLASS_INIT = """import { MigrationInterface, QueryRunner } from "typeorm";
export class Init1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric)`);
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""
CLASS_CLEANUP = """import { MigrationInterface, QueryRunner } from "typeorm";
export class Cleanup1700000000001 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE orders`); // expect: drop-table
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""
TYPEORM_BASE = {"package.json": '{"scripts": {"migrate": "typeorm migration:run -d src/data-source.ts"}, '
                                '"dependencies": {"typeorm": "^0.3.20", "pg": "^8"}}\n',
                "src/data-source.ts": DATA_SOURCE_CLASSES,
                "src/schema/index.ts": 'export * from "./init";\nexport * from "./cleanup";\n',
                "src/schema/init.ts": CLASS_INIT,
                "src/seeds/seed.ts": CLASS_INIT.replace("Init1700000000000", "Seed1700000000002").replace("CREATE TABLE orders", "CREATE TABLE seeds")}


def typeorm_classes(s):
    report = gate_pull_request(s, "src/schema/cleanup.ts", CLASS_CLEANUP, TYPEORM_BASE, unknown=False)
    # The class file is read; the data source's other class folders (src/schema, src/seeds) are
    # in the run too, as `typeorm migration:run -d src/data-source.ts` runs them.
    paths = sorted(f["path"] for f in report["files"] if not f["skipped"])
    check(paths == ["src/schema/cleanup.ts", "src/schema/init.ts", "src/seeds/seed.ts"], f"the class files are read: {paths}")


def typeorm_classes_unknown(s):
    local = DATA_SOURCE_CLASSES.replace('import { Seed1700000000002 } from "./seeds/seed";\n', "class Seed1700000000002 {}\n")
    base = dict(TYPEORM_BASE)
    base.pop("src/data-source.ts")
    pull_request(s, "src/data-source.ts", local, base)
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--ci", "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode == 1, f"analyze --ci fails: {proc.returncode} {proc.stderr[-400:]}")
    report = json.loads(proc.stdout)
    unknown = [(f["path"], x["start"]["line"]) for f in report["files"] for x in f["findings"] if x["rule"] == "unknown-statement"]
    check(("src/data-source.ts", 8) in [(p.lstrip("./"), line) for p, line in unknown], f"the class list is unknown at its line: {unknown}")


SCENARIOS = {
    "knex_migrator": knex_migrator,
    "own_require": own_require,
    "top_level": top_level,
    "every_row_knex": every_row_knex,
    "every_row_sequelize": every_row_sequelize,
    "knex_coffee": knex_coffee,
    "knex_coffee_unread": knex_coffee_unread,
    "npm_no_extension": npm_no_extension,
    "typeorm_classes": typeorm_classes,
    "typeorm_classes_unknown": typeorm_classes_unknown,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
