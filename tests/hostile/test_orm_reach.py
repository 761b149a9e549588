"""Item 2 (filters_knex, filters_sequelize): "every row" deletes and updates through a variable.

What an ORM migration reaches besides its runner, judged against an allowlist (issue #53, red
team E "M."): a module that is neither the ORM's own package nor one known to open no connection
and run no program, a relative require of a file the repository does not hold (written at run
time by fs), an `import()` of a data: URL, `process` other than `process.env.NAME` reads and
`process.cwd()`, `globalThis`, `module` other than `module.exports`, `require` other than
`require('name')`, `.constructor`: each is an unknown statement at its line (analyze --ci and
`pgfence pr` against the GitHub double both fail), in the migration and in the repository files it
imports. Real knex and TypeORM projects (package.json, a base migration), real git repositories.

    test_orm_reach.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402

KNEX_BASE = {
    "package.json": '{"name":"app","dependencies":{"knex":"^3.1.0","pg":"^8","lodash":"^4"}}\n',
    "migrations/20240101000000_init.js": """exports.up = async (knex) => {
  await knex.schema.createTable('orders', (t) => { t.increments('id'); t.text('note'); });
};
exports.down = async (knex) => { await knex.schema.dropTable('orders'); };
""",
    # A helper the repository holds: committed code that reaches Node's internals.
    "lib/spawn.js": """const _ = require('lodash');
module.exports = () => process.getBuiltinModule('child_process').execSync('psql -c "DROP TABLE orders"');
""",
    "lib/fine.js": """const path = require('path');
module.exports = { table: () => path.basename('orders'), schema: process.env.DB_SCHEMA };
""",
}

# Red team E's KDATAURL, KGETBUILTIN and KGENREQ, and the near-misses of each (another global,
# another member of process, another module, another way to load one).
KNEX_REACH = """const fine = require('../lib/fine');
const spawn = require('../lib/spawn'); // expect: unknown-statement
const os = require('os'); // expect: unknown-statement

exports.up = async (knex) => {
  await knex.raw("SET lock_timeout = '2s'");
  await import("data:text/javascript,import {createRequire} from 'node:module'; const r = createRequire(process.cwd() + '/'); r('pg');"); // expect: unknown-statement
  const cp = process.getBuiltinModule('child_process'); // expect: unknown-statement
  require('fs').writeFileSync(__dirname + '/../gen.js', "module.exports = async () => {};"); // expect: unknown-statement
  await require('../gen.js')(); // expect: unknown-statement
  globalThis.process.binding('spawn_sync'); // expect: unknown-statement
  const m = module.constructor; // expect: unknown-statement
  const cache = require.cache; // expect: unknown-statement
  const f = (() => {}).constructor; // expect: unknown-statement
  await import('pg'); // expect: unknown-statement
  process.stdout.write('x'); // expect: unknown-statement
  await knex.raw(`SELECT ${process.mainModule.require('pg')}`); // expect: unknown-statement
  await fetch('https://db.example/sql', { method: 'POST', body: 'DROP TABLE orders' }); // expect: unknown-statement
  const schema = process.env.DB_SCHEMA || process.env["PGSCHEMA"] || process.cwd();
  await knex.schema.withSchema(fine.schema || 'public').alterTable('orders', (t) => { t.text('extra'); });
  const pg = require('lodash/../pg'); // expect: unknown-statement
  const g = (function () { return this; })();
  g.process.getBuiltinModule('child_process'); // expect: unknown-statement
  const h = (function () { return this['process']; })(); // expect: unknown-statement
  const n = (function () { return this['pro' + 'cess']; })(); // expect: unknown-statement
};
exports.down = () => {};
"""

# What everyday migrations use stays clean: the ORM, path, lodash, process.env reads, a helper of
# the repository that uses only those.
KNEX_CLEAN = """const path = require('path');
const _ = require('lodash');
const fine = require('../lib/fine');
const chunk = require('lodash/chunk');

exports.up = async (knex) => {
  const table = process.env.ORDERS_TABLE || 'orders';
  await knex.schema.alterTable('orders', (t) => { t.text('extra_note'); _.noop(); });
  await knex('orders').del(); // expect: delete-without-where
};
exports.down = () => {};
"""

TYPEORM_BASE = {
    "package.json": '{"name":"app","dependencies":{"typeorm":"^0.3","pg":"^8"}}\n',
    # Imported as '../lib/names.js' (TypeScript's ESM convention for names.ts): read, not unknown.
    "src/lib/names.ts": "export const tableName = 'orders'\n",
    "src/migrations/1700000000000-Init.ts": """import { MigrationInterface, QueryRunner } from 'typeorm'

export class Init1700000000000 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE orders (id int primary key)`)
    }
    async down(queryRunner: QueryRunner): Promise<void> {}
}
""",
}

TYPEORM_REACH = """import { MigrationInterface, QueryRunner } from 'typeorm'
import { tableName } from '../lib/names.js'
import { execSync } from 'node:child_process' // expect: unknown-statement
import * as vm from 'vm' // expect: unknown-statement
export * from './generated' // expect: unknown-statement

export class Change1700000000001 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`)
        const g = global as any; // expect: unknown-statement
        const mod = await import(`data:text/javascript,export default 1`); // expect: unknown-statement
        const name = 'p' + 'g';
        const dyn = await import(name); // expect: unknown-statement
        process.dlopen({ exports: {} }, './x.node'); // expect: unknown-statement
        const { env } = process; // expect: unknown-statement
        process.env.PGHOST = 'elsewhere'; // expect: unknown-statement
        const bunRequire = (import.meta as any).require; // expect: unknown-statement
        const here = import.meta.url;
    }
    async down(queryRunner: QueryRunner): Promise<void> {}
}
"""


# Red team E's "K.": a delete or update whose filter goes through a variable. A `const` of a
# literal (and a spread of one) is read as the literal; a filter pgfence does not read (a variable
# set at run time, a spread of one, a subquery of whereNotIn, a column that is not a string) may
# keep every row: HIGH, as the statement without its WHERE. A const of a real condition stays a
# filtered statement ("// narrow": no every-row finding there).
FILTERS_KNEX = """exports.up = async (knex) => {
  const w = {};
  await knex('orders').where(w).del(); // expect: delete-without-where
  const ids = [];
  await knex('orders').whereNotIn('id', ids).del(); // expect: delete-without-where
  const all = true;
  await knex('orders').where(all).update({ note: 'x' }); // expect: update-without-where
  const spread = { ...{} };
  await knex('orders').where(spread).del(); // expect: delete-without-where
  const rows = await knex('orders').select('id');
  await knex('orders').whereNotIn('id', rows.map((r) => r.id)).del(); // expect: delete-without-where
  let later = { id: 1 };
  later = {};
  await knex('orders').where(later).del(); // expect: delete-without-where
  const mutated = { id: 1 };
  delete mutated.id;
  await knex('orders').where(mutated).del(); // expect: delete-without-where
  await knex('orders').where(knex.raw('1'), 1).del(); // expect: delete-without-where
  await knex('orders').where({ ...process.env.FILTER }).del(); // expect: delete-without-where
  await knex('orders').whereNot({}).del(); // expect: delete-without-where
  await knex('orders').whereNot(later).del(); // expect: delete-without-where
  const one = { id: 1 };
  await knex('orders').where(one).del(); // narrow
  const keep = [1, 2];
  await knex('orders').whereNotIn('id', keep).del(); // narrow
  await knex('orders').where('id', rows[0].id).del(); // narrow
  await knex('orders').where('id', 7).where(w).del(); // narrow
};
exports.down = () => {};
"""

FILTERS_SEQUELIZE = """'use strict';

module.exports = {
  async up(queryInterface) {
    const where = {};
    await queryInterface.bulkDelete('orders', where); // expect: delete-without-where
    await queryInterface.bulkDelete('orders', { ...{} }); // expect: delete-without-where
    const base = {};
    await queryInterface.bulkDelete('orders', { ...base }); // expect: delete-without-where
    await queryInterface.bulkDelete('orders', buildWhere()); // expect: delete-without-where
    const none = {};
    await queryInterface.bulkUpdate('orders', { note: 'x' }, none); // expect: update-without-where
    const byId = { id: 3 };
    await queryInterface.bulkDelete('orders', byId); // narrow
    const filter = { status: 'void' };
    await queryInterface.bulkDelete('orders', { ...filter }); // narrow
  },

  async down() {},
};

function buildWhere() {
  return {};
}
"""

SEQUELIZE_BASE = {
    "package.json": '{"name":"app","dependencies":{"sequelize":"^6","sequelize-cli":"^6","pg":"^8"}}\n',
    "migrations/20240101000000-init.js": """'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('orders', { id: { type: Sequelize.INTEGER, primaryKey: true }, note: Sequelize.TEXT });
  },
  async down() {},
};
""",
}


def check_narrow(report, text):
    wide = {"delete-without-where", "update-without-where"}
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.rstrip().endswith("// narrow")]
    check(lines, "the script has narrow lines")
    for file in report["files"]:
        for f in file["findings"]:
            check(not (f["start"]["line"] in lines and f["rule"] in wide),
                  f"line {f['start']['line']} filters through a const of a real condition: {f['rule']} {f['message']}")


def filters_knex(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", FILTERS_KNEX, KNEX_BASE, unknown=False)
    check_narrow(report, FILTERS_KNEX)


def filters_sequelize(s):
    report = gate_pull_request(s, "migrations/20240102000000-change.js", FILTERS_SEQUELIZE, SEQUELIZE_BASE, unknown=False)
    check_narrow(report, FILTERS_SEQUELIZE)


# A package.json that maps an allowlisted name to other code (npm alias, file:, git): what loads
# under the name is not the package.
ALIAS_BASE = dict(KNEX_BASE, **{"package.json": '{"name":"app","dependencies":{"knex":"^3.1.0","pg":"^8","lodash":"npm:pg@8"}}\n'})

ALIAS_KNEX = """const _ = require('lodash'); // expect: unknown-statement
const path = require('path');

exports.up = async (knex) => {
  await new _.Client(process.env.DATABASE_URL).query('DROP TABLE orders');
  await knex.raw("SET lock_timeout = '2s'");
};
exports.down = () => {};
"""


# Red team F's shapes: an ORM package's internal loaders (TypeORM's ImportUtils loads any file,
# PlatformTools any module), lodash's and underscore's `template` (it compiles its text with
# Function), and a workspace package that takes an allowlisted package's name.
INTERNALS_BASE = dict(KNEX_BASE)
INTERNALS_BASE["package.json"] = ('{"name":"app","workspaces":["packages/*"],'
                                  '"dependencies":{"knex":"^3.1.0","pg":"^8","lodash":"^4","typeorm":"^0.3"}}\n')
INTERNALS_BASE["packages/lodash/package.json"] = '{"version":"1.0.0","author":{"name":"x"},"name":"lodash"}\n'
INTERNALS_BASE["packages/lodash/index.js"] = "module.exports = { chunk: () => [] };\n"
KNEX_INTERNALS = """const { importOrRequireFile } = require('typeorm/util/ImportUtils'); // expect: unknown-statement
const { PlatformTools } = require('typeorm/platform/PlatformTools'); // expect: unknown-statement
const _ = require('lodash'); // expect: unknown-statement
const tpl = require('lodash/template'); // expect: unknown-statement
const tpl2 = require('lodash.template'); // expect: unknown-statement
const { template } = require('underscore'); // expect: unknown-statement

exports.up = async (knex) => {
  await knex.raw("SET lock_timeout = '2s'");
  _.template("<% globalThis %>")(); // expect: unknown-statement
  const t = _['template']; // expect: unknown-statement
};
exports.down = () => {};
"""


def internals_knex(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", KNEX_INTERNALS, INTERNALS_BASE)
    messages = [f["message"] for file in report["files"] for f in file["findings"] if f["rule"] == "unknown-statement"]
    check(any("packages/lodash/package.json is a workspace package named 'lodash'" in m for m in messages),
          f"the workspace package that takes lodash's name is named: {messages}")


def alias_knex(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", ALIAS_KNEX, ALIAS_BASE)
    messages = [f["message"] for file in report["files"] for f in file["findings"] if f["rule"] == "unknown-statement"]
    check(any("npm:pg@8" in m for m in messages), f"the alias is named: {messages}")


def reach_knex(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", KNEX_REACH, KNEX_BASE)
    messages = [f["message"] for file in report["files"] for f in file["findings"] if f["rule"] == "unknown-statement"]
    # The committed helper's own line is named at the import that loads it.
    check(any("lib/spawn.js line 2" in m and "process.getBuiltinModule" in m for m in messages),
          f"the helper's reach is reported at its import: {messages}")
    check(any("not a file of the repository" in m for m in messages), f"the file written at run time is named: {messages}")


def clean_knex(s):
    report = gate_pull_request(s, "migrations/20240102000000_change.js", KNEX_CLEAN, KNEX_BASE, unknown=False)
    unknown = [f for file in report["files"] for f in file["findings"] if f["rule"] == "unknown-statement"]
    check(not unknown, f"path, lodash, process.env and a plain helper add no unknown: {unknown}")


def reach_typeorm(s):
    report = gate_pull_request(s, "src/migrations/1700000000001-Change.ts", TYPEORM_REACH, TYPEORM_BASE)
    lines = [f["start"]["line"] for file in report["files"] for f in file["findings"] if f["rule"] == "unknown-statement"]
    check(2 not in lines, f"'../lib/names.js' is the repository's names.ts, not unknown: {lines}")


if __name__ == "__main__":
    sys.exit(main({"reach_knex": reach_knex, "clean_knex": clean_knex, "reach_typeorm": reach_typeorm,
          "filters_knex": filters_knex, "filters_sequelize": filters_sequelize, "alias_knex": alias_knex,
          "internals_knex": internals_knex}))
