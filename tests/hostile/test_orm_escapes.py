"""ORM migrations that reach the database around the walker (a red team's bypasses, each as a
class): the runner stored where later code reads it (a module variable, an object's property, an
array, `this` of a method pgfence cannot find), handles derived from the runner (Knex's
`await knex.transaction()`, TypeORM's manager.transaction() callback and repositories), database
connections the migration opens itself (a driver it requires, a repository module that opens one),
code built at run time (eval, Function, vm, a computed require or import), Knex and Sequelize calls
that touch every row while looking filtered (where({}), where(true), whereRaw('1=1'),
bulkDelete(..., { truncate: true })), and the precision that keeps real projects readable (both
branches of a conditional SQL string, Sequelize's createFunction, one unknown per helper line).

Each migration goes through a real git repository, `pgfence analyze --ci --unknown block` and
`pgfence pr` against the GitHub double (test_orm_coverage.gate_pull_request): both fail, never say
"0 unknown", and every line marked "// expect: RULE" carries that finding.

    test_orm_escapes.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402

# Item 1: the runner escapes into storage read by code called without it.
ESCAPES = """import { MigrationInterface, QueryRunner } from 'typeorm'

let shared: QueryRunner
const registry: any = {}

async function dropLater() {
    await shared.query('DROP TABLE users')
}

async function purgeLater() {
    await registry.runner.query('TRUNCATE orders CASCADE')
}

export class Escapes1700000000010 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        shared = queryRunner // expect: unknown-statement
        await dropLater()
        registry.runner = queryRunner // expect: unknown-statement
        await purgeLater()
        registry.all = [queryRunner] // expect: unknown-statement
        this.runner = queryRunner
        await this.inheritedCleanup() // expect: unknown-statement
        let later: QueryRunner
        later = queryRunner
        await later.query('DROP TABLE carts') // expect: drop-table
        ;({ manager: registry.manager } = queryRunner) // expect: unknown-statement
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""

# Item 2: handles derived from the runner are the runner (Knex).
DERIVED_KNEX = """function same(k) {
  return k;
}

exports.up = async function (knex) {
  const trx = await knex.transaction();
  await trx('users').del(); // expect: delete-without-where
  await trx('sessions').truncate(); // expect: truncate
  await trx.schema.dropTable('carts'); // expect: drop-table
  await trx.commit();
  await knex.transaction().then((t) => t('orders').del()); // expect: delete-without-where
  const provide = knex.transactionProvider();
  const provided = await provide();
  await provided('coupons').del(); // expect: delete-without-where
  const again = same(knex);
  await again('invoices').del(); // expect: delete-without-where
  await knex.someNewApi('x'); // expect: unknown-statement
};

exports.down = async function () {};
"""

# Item 2: TypeORM's manager.transaction() hands its callback an EntityManager; a repository
# taken from the runner is the runner too (its data API is unknown).
DERIVED_TYPEORM = """import { MigrationInterface, QueryRunner } from 'typeorm'
import { User } from '../entity/User'

export class Derived1700000000011 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.manager.transaction(async (em) => {
            await em.query('DROP TABLE audit_log') // expect: drop-table
        })
        const repo = await queryRunner.manager.getRepository(User) // expect: unknown-statement
        await repo.clear() // expect: unknown-statement
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""

# Item 3: connections the migration opens itself.
HANDLES = """const db = require('../lib/db');
const User = require('../models/user');
const { dropOld } = require('../lib/ops');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

exports.up = async function (knex) {
  await db('users').del(); // expect: unknown-statement
  await pool.query('DELETE FROM sessions'); // expect: unknown-statement
  const { execSync } = require('child_process'); // expect: unknown-statement
  execSync('psql "$DATABASE_URL" -c "DROP TABLE carts"'); // expect: unknown-statement
  await User.destroy({ truncate: true }); // expect: unknown-statement
  await knex.schema.dropTable('coupons'); // expect: drop-table
  await dropOld(knex); // expect: drop-table
};

exports.down = async function () {};
"""
# A module that opens a connection of its own and exports a helper the migration hands its runner
# to: the helper is followed with the runner, its own client's calls are unknown there.
OPS_MODULE = """const { Pool } = require('pg');

const pool = new Pool();

async function dropOld(k) {
  await k.schema.dropTable('old_things');
  await pool.query('DELETE FROM audit');
}

module.exports = { dropOld };
"""

# A model whose module reaches the connection through another repository module.
MODELS_INDEX = """const { Sequelize } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL);
module.exports = { sequelize };
"""
MODELS_USER = """const { sequelize } = require('./index');

module.exports = sequelize.define('User', {});
"""
DB_MODULE = """const knex = require('knex');

module.exports = knex({ client: 'pg', connection: process.env.DATABASE_URL });
"""

HANDLES_TYPEORM = """import { MigrationInterface, QueryRunner } from 'typeorm'
import { AppDataSource } from '../data-source'

export class Handles1700000000012 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await AppDataSource.initialize() // expect: unknown-statement
        await AppDataSource.manager.clear('users') // expect: unknown-statement
        await queryRunner.query('DROP TABLE carts') // expect: drop-table
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""
DATA_SOURCE = """import { DataSource } from 'typeorm'

export const AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL })
"""

# Item 4: code built at run time.
DYNAMIC = """import { MigrationInterface, QueryRunner } from 'typeorm'
import * as vm from 'vm'

export class Dynamic1700000000013 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        eval("queryRunner.query('DROP TABLE users')") // expect: unknown-statement
        const build = new Function('qr', "return qr.query('DROP TABLE orders')") // expect: unknown-statement
        const run = globalThis.eval // expect: unknown-statement
        vm.runInNewContext("qr.query('DROP TABLE carts')", { qr: queryRunner }) // expect: unknown-statement
        await import(process.env.MIGRATION_HELPER) // expect: unknown-statement
        require(`./steps/${process.env.STEP}`) // expect: unknown-statement
        setTimeout("queryRunner.query('DROP TABLE sessions')", 0) // expect: unknown-statement
        const make = (async () => {}).constructor // expect: unknown-statement
        await make("return 1")()
        const load = require // expect: unknown-statement
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""

# Item 5: every row, in a form that looks filtered (knex/lib/query/querybuilder.js where()).
EVERY_ROW_KNEX = """exports.up = async function (knex) {
  await knex('users').where({}).del(); // expect: delete-without-where
  await knex('orders').where(true).update({ status: 'void' }); // expect: update-without-where
  await knex('carts').whereRaw('1 = 1').del(); // expect: delete-without-where
  await knex('coupons').where('id', 1).orWhereRaw('TRUE').del(); // expect: delete-without-where
  await knex('tokens').where(() => {}).del(); // expect: delete-without-where
  await knex('audit').where(knex.raw('true')).update({ seen: true }); // expect: update-without-where
  await knex('sessions').where('expired', true).del();
  await knex.someNewApi('x'); // expect: unknown-statement
};

exports.down = async function () {};
"""

# Item 5: Sequelize's bulkDelete with truncate (query-interface.js bulkDelete ->
# truncateTableQuery) and with a where that selects every row.
EVERY_ROW_SEQUELIZE = """'use strict';

module.exports = {
  async up(queryInterface) {
    await queryInterface.bulkDelete('users', { id: 1 }, { truncate: true, cascade: true }); // expect: truncate-cascade
    await queryInterface.bulkDelete('orders', undefined); // expect: delete-without-where
    await queryInterface.bulkUpdate('carts', { status: 'void' }, undefined); // expect: update-without-where
    await queryInterface.bulkDelete('coupons', { id: 1 }, options); // expect: unknown-statement
  },

  async down() {},
};
"""

# Item 6: precision: a conditional of two strings is read as both statements; createFunction
# is read; a helper's unknown line is reported once, naming its calls.
PRECISION = """'use strict';

async function rebuild(qi, table) {
  await qi.sequelize.query(`ALTER TABLE ${table} ADD COLUMN note text`);
  await qi.someNewApi(table); // expect: unknown-statement
}

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(process.env.FAST ? 'DROP TABLE users' : 'TRUNCATE users CASCADE'); // expect: drop-table
    await queryInterface.createFunction('touch', [], 'trigger', 'plpgsql', 'NEW.updated_at = now(); RETURN NEW;', [], { force: true });
    await rebuild(queryInterface, 'orders');
    await rebuild(queryInterface, 'carts');
  },

  async down() {},
};
"""


def statements(report):
    return [st for file in report["files"] for st in file["statements"]]


def escapes(s):
    report = gate_pull_request(s, "src/migrations/1700000000010-Escapes.ts", ESCAPES)
    text = str(report)
    check("a variable this function does not declare" in text, "the escape into a module variable is named")


def derived_knex(s):
    report = gate_pull_request(s, "migrations/20240101000010_derived.js", DERIVED_KNEX)
    sql = [st.get("sql", "") for st in statements(report)]
    check(any('delete from "users"' in q for q in sql), f"trx('users').del() is read as knex's DELETE: {sql}")


def derived_typeorm(s):
    gate_pull_request(s, "src/migrations/1700000000011-Derived.ts", DERIVED_TYPEORM)


def handles(s):
    gate_pull_request(s, "migrations/20240101000011_handles.js", HANDLES,
                      {"lib/db.js": DB_MODULE, "lib/ops.js": OPS_MODULE, "models/index.js": MODELS_INDEX,
                       "models/user.js": MODELS_USER})


def handles_typeorm(s):
    gate_pull_request(s, "src/migrations/1700000000012-Handles.ts", HANDLES_TYPEORM, {"src/data-source.ts": DATA_SOURCE})


def dynamic(s):
    gate_pull_request(s, "src/migrations/1700000000013-Dynamic.ts", DYNAMIC)


def every_row_knex(s):
    gate_pull_request(s, "migrations/20240101000012_every_row.js", EVERY_ROW_KNEX)


def every_row_sequelize(s):
    report = gate_pull_request(s, "migrations/20240101000012-every-row.js", EVERY_ROW_SEQUELIZE)
    sql = [st.get("sql", "") for st in statements(report)]
    check('TRUNCATE "users" CASCADE' in sql, f"bulkDelete with truncate is Sequelize's TRUNCATE: {sql}")


def precision(s):
    report = gate_pull_request(s, "migrations/20240101000013-precision.js", PRECISION)
    sts = statements(report)
    sql = [st.get("sql", "") for st in sts]
    check("DROP TABLE users" in sql and "TRUNCATE users CASCADE" in sql, f"both branches are read: {sql}")
    check(any(q.startswith("CREATE OR REPLACE FUNCTION touch()") for q in sql), f"createFunction is read: {sql}")
    check(any("orders" in q for q in sql) and any("carts" in q for q in sql), f"the helper's template is read per call: {sql}")
    unknown = [f for file in report["files"] for f in file["findings"] if f["rule"] == "unknown-statement"]
    check(len(unknown) == 1, f"one unknown for the helper's line, not one per call: {len(unknown)}")
    check("line 12 and line 13" in str(unknown), f"the unknown names the calls it was reached from: {unknown}")


# Red team a, item 1: JS migrations in a migrations folder that name no tool (s3, s5, s6, s18). A
# script that defines an up() is a migration; its tool comes from how up() uses its first
# parameter and from the project's words (package.json, the tools' settings files), else it is
# unknown at its up(), never skipped.
UNNAMED = {
    "knex": ("migrations/20240201000000_cleanup.js",
             "exports.up = (db) => db.schema.dropTable('users'); // expect: drop-table\n\nexports.down = () => {};\n",
             {"knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n",
              "package.json": '{"dependencies": {"knex": "^3.1.0", "pg": "^8"}}\n'}),
    "typeorm": ("migrations/1700000000001-Cleanup.js",
                "module.exports = class Cleanup1700000000001 {\n  async up(q) {\n"
                "    await q.query('DROP TABLE users'); // expect: drop-table\n  }\n  async down() {}\n};\n", {}),
    "sequelize": ("migrations/20240201000000-cleanup.js",
                  "'use strict';\nmodule.exports = {\n  async up(qi) {\n"
                  "    await qi.dropTable('users'); // expect: drop-table\n  },\n  async down() {},\n};\n",
                  {".sequelizerc": "const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('migrations') };\n"}),
    "dbmigrate": ("migrations/20240201000000-cleanup.js",
                  "'use strict';\n\nexports.up = function (db) {\n  return db.dropTable('users'); // expect: drop-table\n};\n",
                  {"database.json": '{"dev": {"driver": "pg"}}\n'}),
    # No word of any tool anywhere: unknown at its up().
    "undecided": ("migrations/20240201000000-cleanup.js",
                  "exports.up = function (db) { // expect: unknown-statement\n  return db.dropTable('users');\n};\n", {}),
}


def unnamed(tool):
    def run(s):
        path, text, base = UNNAMED[tool]
        report = gate_pull_request(s, path, text, base, unknown=tool == "undecided")
        kinds = [f["source_kind"] for f in report["files"]]
        want = {"dbmigrate": "db-migrate", "undecided": "auto"}.get(tool, tool)
        check(kinds == [want], f"read as {want}: {kinds}")
        # The report names the ORM as the file's tool, not "sql" (one it could not decide stays "sql").
        tools = [f["tool"] for f in report["files"]]
        check(tools == ["sql" if tool == "undecided" else want], f"tool {want}: {tools}")
    return run


# Red team a, item 2 (s4): node-pg-migrate's JavaScript migrations. pgm.sql('...') is read, and
# dropTable, dropColumns/dropColumn, renameColumn and createIndex with literal names and options as
# the SQL their src/operations/**/*.ts build; every other pgm call, and those with a computed name,
# an options variable or a capital the decamelize setting would rewrite, is unknown at its line.
NODE_PG_MIGRATE = """exports.shorthands = undefined;

exports.up = (pgm) => {
  pgm.sql('DROP TABLE users'); // expect: drop-table
  pgm.dropTable('orders', { cascade: true }); // expect: drop-table
  pgm.dropColumns('carts', ['coupon', 'note']); // expect: drop-column
  pgm.renameColumn('carts', 'total', 'amount'); // expect: rename-column
  pgm.dropTable(process.env.T); // expect: unknown-statement
  pgm.dropTable('audit', opts); // expect: unknown-statement
  pgm.dropColumn('cartItems', 'qty'); // expect: unknown-statement
  pgm.createIndex('carts', 'amount'); // expect: create-index-without-concurrently
  pgm.createIndex('carts', 'amount', opts); // expect: unknown-statement
  pgm.sql('UPDATE carts SET total = {t}', { t: 1 }); // expect: unknown-statement
};

exports.down = () => {};
"""


def node_pg_migrate(s):
    report = gate_pull_request(s, "migrations/1700000000001_cleanup.js", NODE_PG_MIGRATE,
                               {"package.json": '{"dependencies": {"node-pg-migrate": "^7", "pg": "^8"}}\n'})
    check([f["source_kind"] for f in report["files"]] == ["node-pg-migrate"], f"read as node-pg-migrate: {report['files']}")


# Red team a, item 3 (s16): a helper resolved as Node's require() does. '../lib/ops' with both
# ops.js (what Node runs) and ops.ts (what ts-node with preferTsExts, or a reader trying .ts first,
# runs) is ambiguous: unknown at the call. '../lib/pkg' is a folder whose package.json "main"
# names impl.js, which Node loads instead of index.js.
RESOLVE = """const ops = require('../lib/ops');
const { tidy } = require('../lib/pkg');

exports.up = async function (knex) {
  await ops.tidy(knex); // expect: unknown-statement
  await tidy(knex); // expect: drop-table
};

exports.down = async function () {};
"""
RESOLVE_BASE = {
    "package.json": '{"dependencies": {"knex": "^3.1.0"}}\n',
    "knexfile.js": "module.exports = { client: 'pg' };\n",
    "lib/ops.js": "exports.tidy = async function (knex) {\n  await knex.schema.dropTable('users');\n};\n",
    "lib/ops.ts": "export async function tidy(knex: any) {\n  await knex.schema.createTable('audit', (t: any) => { t.increments('id'); });\n}\n",
    "lib/pkg/package.json": '{"name": "pkg", "main": "impl.js"}\n',
    "lib/pkg/impl.js": "exports.tidy = async function (knex) {\n  await knex.schema.dropTable('orders');\n};\n",
    "lib/pkg/index.js": "exports.tidy = async function (knex) {\n  await knex.schema.createTable('notes', (t) => { t.increments('id'); });\n};\n",
}


def resolve(s):
    report = gate_pull_request(s, "migrations/20240201000001_ops.js", RESOLVE, RESOLVE_BASE)
    sql = [st.get("sql", "") for st in statements(report)]
    check(any('drop table "orders"' in q for q in sql) and not any("notes" in q for q in sql),
          f"package.json main (impl.js) is followed, not index.js: {sql}")
    check("both ops.js and ops.ts exist" in str(report), "the ambiguous import is named")


# Red team a, item 4 (s20): up() redefined where the walker does not look, after a harmless one.
# Node runs whatever exports.up holds when the tool calls it.
EXPORT_WRITES = """exports.up = async function (knex) {
  await knex.schema.createTable('audit', (t) => {
    t.increments('id');
  });
};

exports['u' + 'p'] = async (knex) => knex.schema.dropTable('users'); // expect: unknown-statement
Object.defineProperty(exports, 'up', { value: async (knex) => knex.schema.dropTable('orders') }); // expect: unknown-statement
Object.assign(module.exports, require('./other')); // expect: unknown-statement
const key = process.env.K;
module.exports[key] = async (knex) => knex.schema.dropTable('carts'); // expect: unknown-statement
Reflect.set(exports, 'up', async (knex) => knex('sessions').del()); // expect: unknown-statement

exports.down = async function () {};
"""


def export_writes(s):
    gate_pull_request(s, "migrations/20240201000001_audit.js", EXPORT_WRITES,
                      {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})


# Red team: the same writes through aliases of the exports (`const e = exports`, `const m =
# module.exports`, a chain `const f = e`, `const mod = module`), an object built stepwise and then
# made the exports (`module.exports = obj`), and exports set to a value the walker does not read
# (a call, an import, a Proxy): Node's loader hands the tool whatever module.exports holds.
EXPORT_ALIASES = """const e = exports;
const m = module.exports;
const f = e;
const run = 'u' + 'p';

exports.up = async function (knex) {
  await knex.schema.createTable('audit', (t) => {
    t.increments('id');
  });
};

e[run] = async (knex) => knex.schema.dropTable('users'); // expect: unknown-statement
Object.defineProperty(m, 'up', { value: async (knex) => knex.schema.dropTable('orders') }); // expect: unknown-statement
Reflect.set(f, 'up', async (knex) => knex('sessions').del()); // expect: unknown-statement
exports.down = async function () {};
"""
EXPORT_OBJECT = """const migration = {};
migration.down = async () => {};
migration['u' + 'p'] = async (knex) => knex.schema.dropTable('users'); // expect: unknown-statement
Object.assign(migration, { up: async (knex) => knex.schema.dropTable('orders') }); // expect: unknown-statement
module.exports = migration;
"""
EXPORT_VALUE = """// The tool runs the up() of whatever the exports hold.
const mod = module;
mod.exports = require('./steps/drop'); // expect: unknown-statement
"""


def export_aliases(s):
    gate_pull_request(s, "migrations/20240201000001_audit.js", EXPORT_ALIASES,
                      {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})


def export_object(s):
    gate_pull_request(s, "migrations/20240201000001_audit.js", EXPORT_OBJECT,
                      {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})


def export_value(s):
    gate_pull_request(s, "migrations/20240201000001_audit.js", EXPORT_VALUE,
                      {"migrations/steps/drop.js": "exports.up = async (knex) => knex.schema.dropTable('users');\n"})


# Red team a, items 5 and 6 (s9, s10, s14, s15): the runner bound as `this` of a function that is
# not the runner's own (f.call(runner), f.apply(runner, []), f.bind(runner)(), Reflect.apply), and
# `with` statements, whose block's names may be members of the runner or of a handle from it, and
# a handle from the runner put in an array walked or made a parameter's default.
THIS_RUNNER = """'use strict';

function drop() {
  return this.dropTable('users');
}

module.exports = {
  async up(queryInterface) {
    await drop.call(queryInterface); // expect: unknown-statement
    await drop.apply(queryInterface, []); // expect: unknown-statement
    await drop.bind(queryInterface)(); // expect: unknown-statement
    await Reflect.apply(drop, queryInterface, []); // expect: unknown-statement
    await queryInterface.dropTable.call(queryInterface, 'carts'); // expect: drop-table
  },
  async down() {},
};
"""
WITH_KNEX = """exports.up = async function (knex) {
  with (knex.schema) { // expect: unknown-statement
    await dropTable('users');
  }
  with (knex('sessions')) { // expect: unknown-statement
    await del();
  }
  await Promise.all([knex.schema].map((s) => s.dropTable('orders'))); // expect: unknown-statement
  const go = async (s = knex.schema) => s.dropTable('carts'); // expect: unknown-statement
  await go();
};

exports.down = async function () {};
"""


def this_runner(s):
    gate_pull_request(s, "migrations/20240201000000-cleanup.js", THIS_RUNNER,
                      {".sequelizerc": "module.exports = {};\n"})


def with_statement(s):
    gate_pull_request(s, "migrations/20240201000004_with.js", WITH_KNEX,
                      {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})


# Lexing as ECMAScript does (a red team's knex runs): a `//` comment ends at CR, U+2028 and
# U+2029 as well as LF, and a '/' after the ')' of if/while starts a regular expression. The
# lines with CR/U+2028/U+2029 come last: Python's splitlines() counts them as lines, pgfence
# (like editors and GitHub) does not, so their statements are checked by SQL, not by "expect".
JS_LEXING = ("""exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  if (true) /"/.test('x'); await knex.raw('DROP TABLE regex_if'); if (true) /"/.test('x'); // expect: drop-table
  while (false) /'/; await knex.raw('DROP TABLE regex_while'); while (false) /'/; // expect: drop-table
  await knex.raw('SELECT 1'); // note\r await knex.raw('DROP TABLE after_cr');
  await knex.raw('SELECT 2'); // note\u2028 await knex.raw('DROP TABLE after_ls');
  await knex.raw('SELECT 3'); // note\u2029 await knex.raw('DROP TABLE after_ps');
};
exports.down = async function () {};
""")

# What pgfence cannot lex as JavaScript does is unknown from there: knex.r\u0061w is knex.raw.
JS_UNREADABLE = r"""exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.r\u0061w('DROP TABLE orders'); // expect: unknown-statement
};
exports.down = async function () {};
"""


# TypeScript spellings of the runner's own calls (the compiled JavaScript is the plain call):
# a <T>x type assertion, a non-null assertion on the method, type arguments on the call
# (EntityManager.query<T = any> and DataSource.query<T = any> in TypeORM's typings).
TS_CALLS = """import { MigrationInterface, QueryRunner } from 'typeorm'

export class TsCalls1700000000020 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        const a = <any>queryRunner; await a.query(`DROP TABLE cast_alias`) // expect: drop-table
        await queryRunner.query!(`DROP TABLE non_null`) // expect: drop-table
        await queryRunner.manager.query<unknown[]>(`DROP TABLE manager_generic`) // expect: drop-table
        await queryRunner.connection.query<any>(`DROP TABLE source_generic`) // expect: drop-table
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""


def ts_calls(s):
    gate_pull_request(s, "src/migrations/1700000000020-TsCalls.ts", TS_CALLS, unknown=False)

# The same in a helper the migration calls: the call is unknown, not read as the helper's part.
JS_UNREADABLE_CALLER = """const { cleanup } = require('../lib/cleanup');

exports.up = async function (knex) {
  await cleanup(knex); // expect: unknown-statement
};
exports.down = async function () {};
"""
JS_UNREADABLE_HELPER = """exports.cleanup = async function (knex) {
  await knex.raw('SELECT 1'); <!-- a comment in a CommonJS script
  await knex.raw('DROP TABLE orders');
};
"""


def js_lexing(s):
    report = gate_pull_request(s, "migrations/20240201000005_lexing.js", JS_LEXING,
                               {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'}, unknown=False)
    sql = [st.get("sql", "") for st in statements(report)]
    for table in ("regex_if", "regex_while", "after_cr", "after_ls", "after_ps"):
        check(any(f"DROP TABLE {table}" in q for q in sql), f"DROP TABLE {table} is read: {sql}")


def js_unreadable(s):
    report = gate_pull_request(s, "migrations/20240201000006_escape.js", JS_UNREADABLE,
                               {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})
    check("not read from here" in str(report), "the escaped identifier stops the reading, said so")



def js_unreadable_helper(s):
    report = gate_pull_request(s, "migrations/20240201000007_helper.js", JS_UNREADABLE_CALLER,
                               {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n',
                                "lib/cleanup.js": JS_UNREADABLE_HELPER})
    check("not read past an HTML-like comment" in str(report), f"the helper's unread rest is named: {report}")


# A lexer stop before anything tells whose migration a script is (an HTML-like comment, which
# CommonJS reads as a comment (ECMAScript Annex B.1.1); a regular expression after a function
# declaration's '}'): the script under migrations/ is unknown at its first line, never skipped as
# "no migration recognised" nor left out of a folder's listing.
JS_STOP_HTML = """<!-- generated by the legacy tool // expect: unknown-statement
exports.up = (pgm) => {
  pgm.sql('DROP TABLE users');
};
exports.down = () => {};
"""
JS_STOP_REGEX = """function banner() {} // expect: unknown-statement
/generated/.test('x');
exports.up = (pgm) => {
  pgm.sql('DROP TABLE users');
};
"""


def js_stop_before_tool(path, text):
    def run(s):
        report = gate_pull_request(s, path, text)
        mine = [f for f in report["files"] if f["path"] == path]
        check(mine and not mine[0]["skipped"], f"{path} is not skipped: {mine}")
        messages = [f["message"] for f in mine[0]["findings"]]
        check(any("stopped reading this script" in m for m in messages), f"the unknown says why: {messages}")
        # A folder's listing holds it too (analyze DIR).
        listed = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "migrations"], cwd=s.repo,
                                capture_output=True, text=True, timeout=120)
        check(listed.returncode == 0 and path in [f["path"] for f in json.loads(listed.stdout)["files"]],
              f"analyze migrations/ lists {path}: {listed.returncode} {listed.stdout[:300]} {listed.stderr[-300:]}")
    return run


SCENARIOS = {
    "escapes": escapes,
    "derived_knex": derived_knex,
    "derived_typeorm": derived_typeorm,
    "handles": handles,
    "handles_typeorm": handles_typeorm,
    "dynamic": dynamic,
    "every_row_knex": every_row_knex,
    "every_row_sequelize": every_row_sequelize,
    "precision": precision,
    "unnamed_knex": unnamed("knex"),
    "unnamed_typeorm": unnamed("typeorm"),
    "unnamed_sequelize": unnamed("sequelize"),
    "unnamed_dbmigrate": unnamed("dbmigrate"),
    "unnamed_undecided": unnamed("undecided"),
    "node_pg_migrate": node_pg_migrate,
    "resolve": resolve,
    "export_writes": export_writes,
    "export_aliases": export_aliases,
    "export_object": export_object,
    "export_value": export_value,
    "this_runner": this_runner,
    "with_statement": with_statement,
    "js_lexing": js_lexing,
    "js_unreadable": js_unreadable,
    "ts_calls": ts_calls,
    "js_unreadable_helper": js_unreadable_helper,
    "js_stop_html": js_stop_before_tool("migrations/1700000000020_banner.js", JS_STOP_HTML),
    "js_stop_regex": js_stop_before_tool("migrations/1700000000021_regex.js", JS_STOP_REGEX),
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
