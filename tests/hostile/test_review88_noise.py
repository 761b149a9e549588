"""False unknowns of stranger review 88 (issue #53: unknown is never clean, but no false unknowns on
ordinary projects). Class A: module loads with no database effect (chartbrew, automatisch): a
settings module chosen by `cond ? require(a) : require(b)`, simplecrypt and dotenv, `import process
from 'node:process'`, process.exit and process.stderr.write, and the app's models loaded by a
migration that queries through them (one unknown at the query, not three). Class D: an ES module
knexfile's `join(__dirname, '/src/db/migrations')` and `` [`.${fileExtension}`] ``. Class E: knex's
jsonb `defaultTo([])` and `knex.ref()` in `??`. Class F: node-pg-migrate's `pgm.createType()` and a
column of that type when no migration defines shorthands (ordinals-api). Each benign form was an
unknown on 615d7aaa; each control keeps the harmful form in the same place unknown at its line.

    test_review88_noise.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import analyze, clean, gate_analyze  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402

SEQUELIZE = {"package.json": '{"name": "app", "dependencies": {"sequelize": "6.37.0", "sequelize-cli": "6.6.2", "pg": "8.11.0",'
                             ' "simplecrypt": "0.1.0", "dotenv": "16.4.5"}}\n',
             "settings.js": "module.exports = { secret: process.env.CB_SECRET };\n",
             "settings-dev.js": "module.exports = { secret: process.env.CB_SECRET_DEV };\n"}
USERS = ('module.exports = {\n  up: (queryInterface, Sequelize) => queryInterface.createTable("User", {\n'
         '    id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },\n    email: { type: Sequelize.TEXT },\n  }),\n'
         '  down: (queryInterface) => queryInterface.dropTable("User"),\n};\n')
# chartbrew server/models/migrations/20191214175953-create-user.js:1-9.
CHOSEN = ('const simplecrypt = require("simplecrypt");\n\n'
          'const settings = process.env.NODE_ENV === "production" ? require("../settings") : require("../settings-dev");\n\n'
          'const sc = simplecrypt({ password: settings.secret, salt: "10" });\n')
MIGRATION = "migrations/20191214175953-create-user.js"


def gate(s, head, base, path, line):
    """`analyze --ci` over `base` and `head` fails with an unknown at `path`:`line`."""
    gate_analyze(s, head, path, line, base)


def unknowns(found, path=None):
    return [f for f in found if f["rule"] == "unknown-statement" and (path is None or f["path"] == path)]


def conditional_settings(s):
    """Both settings modules are read; simplecrypt loads Node's crypto only."""
    clean(s, {MIGRATION: CHOSEN + USERS}, SEQUELIZE)


def conditional_passed_control(s):
    """The module chosen is passed to a helper pgfence does not follow: unknown where it goes."""
    gate(s, {MIGRATION: CHOSEN + "keep(settings);\nfunction keep(m) { m.secret = 'x'; }\n" + USERS}, SEQUELIZE, MIGRATION, 6)


def conditional_written_control(s):
    """A write through the name the choice is bound to is a write to the module."""
    gate(s, {MIGRATION: CHOSEN + 'settings.secret = "x";\n' + USERS}, SEQUELIZE, MIGRATION, 6)


def conditional_querying_control(s):
    """A settings module that opens a connection of its own stays unknown at the require."""
    gate(s, {MIGRATION: CHOSEN + USERS,
                     "settings-dev.js": 'const { Client } = require("pg");\nnew Client().query("DROP TABLE users");\nmodule.exports = {};\n'},
                 SEQUELIZE, MIGRATION, 3)


# chartbrew server/models/models/index.js and modules/legacyCryptoCompat.js, cut down.
MODELS = {"models/index.js": 'const fs = require("fs");\nconst path = require("path");\nconst { Sequelize, DataTypes } = require("sequelize");\n'
                             'require("../modules/cryptoCompat");\n\nconst db = {};\nconst sequelize = new Sequelize(process.env.DATABASE_URL);\n'
                             'fs.readdirSync(__dirname).filter((f) => f !== "index.js").forEach((f) => {\n'
                             '  const model = require(path.join(__dirname, f))(sequelize, DataTypes);\n  db[model.name] = model;\n});\n'
                             'db.sequelize = sequelize;\nmodule.exports = db;\n',
          "models/Chart.js": 'module.exports = (sequelize, DataTypes) => sequelize.define("Chart", { draft: DataTypes.BOOLEAN });\n',
          "modules/cryptoCompat.js": 'const crypto = require("crypto");\n\nif (typeof crypto.createCipher !== "function") {\n'
                                     '  crypto.createCipher = () => { throw new Error("no legacy cipher"); };\n}\n'}
DATA = "migrations/20200609080754-chart-draft.js"


def models_one_unknown(s):
    """A migration that queries through the app's models: one unknown, at the query, naming the loads."""
    pull_request(s, {DATA: 'const db = require("../models");\n\nmodule.exports = {\n'
                           '  up: () => db.Chart.update({ draft: false }, { where: { draft: null } }),\n  down: () => Promise.resolve(),\n};\n'},
                 SEQUELIZE | MODELS)
    proc, found = analyze(s)
    here = unknowns(found, DATA)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr}")
    check(len(here) == 1 and here[0]["line"] == 4, f"one unknown, at the query (line 4): {here}")
    check("cryptoCompat" in here[0]["message"] and "line 1" in here[0]["message"], f"it names what loading ../models runs: {here}")


def models_loaded_control(s):
    """Loading the models without querying through them: what they run at load stays unknown at the require."""
    gate(s, {DATA: 'const db = require("../models");\n\nmodule.exports = {\n'
                           '  up: (queryInterface) => queryInterface.addColumn("Chart", "layout", { type: "TEXT" }),\n'
                           '  down: () => Promise.resolve(),\n};\n'}, SEQUELIZE | MODELS, DATA, 1)


def process_exit_stderr(s):
    """A key check that exits, and a failure report on stderr: no connection, no program."""
    clean(s, {"modules/keys.js": 'function check() {\n  if (!process.env.CB_KEY) {\n    console.error("no key");\n    process.exit(1);\n  }\n}\n'
                                 'check();\nmodule.exports = { key: () => process.env.CB_KEY };\n',
              MIGRATION: 'const { key } = require("../modules/keys");\n\nif (!key()) process.stderr.write("[migration] no key\\n");\n' + USERS},
          SEQUELIZE)


def process_stream_control(s):
    """process.stderr handed on whole (or any other part of process) stays unknown."""
    gate(s, {MIGRATION: 'const stream = process.stderr;\n' + USERS}, SEQUELIZE, MIGRATION, 1)


# automatisch packages/backend: an ES module package, its config read through dotenv.
BACKEND = "packages/backend/"
ESM_KNEX = {BACKEND + "package.json": '{"name": "@app/backend", "type": "module", "dependencies": {"knex": "2.5.1", "pg": "8.11.0",'
                                      ' "dotenv": "10.0.0"}}\n',
            BACKEND + "src/config/app.js": "import * as dotenv from 'dotenv';\nimport path from 'path';\nimport process from 'node:process';\n"
                                           "import { fileURLToPath } from 'url';\n\nconst __dirname = path.dirname(fileURLToPath(import.meta.url));\n\n"
                                           "if (process.env.APP_ENV === 'test') {\n"
                                           "  dotenv.config({ path: path.resolve(__dirname, '../../.env.test') });\n} else {\n  dotenv.config();\n}\n\n"
                                           "export default { isCloud: process.env.AUTOMATISCH_CLOUD === 'true' };\n"}
KNEXFILE = ("import path, { join } from 'path';\nimport { fileURLToPath } from 'url';\n\nconst fileExtension = 'js';\n"
            "const __dirname = path.dirname(fileURLToPath(import.meta.url));\n\nconst knexConfig = {\n  client: 'pg',\n"
            "  connection: process.env.DATABASE_URL,\n  migrations: {\n    directory: join(__dirname, '/src/db/migrations'),\n"
            "    extension: fileExtension,\n    loadExtensions: [`.${fileExtension}`],\n  },\n};\n\nexport default knexConfig;\n")
FLOWS = ("import appConfig from '../../config/app.js';\n\nexport async function up(knex) {\n  if (appConfig.isCloud) return;\n"
         "  await knex.schema.createTable('flows', (table) => {\n    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));\n"
         "    table.string('webhook_path');\n    table.jsonb('actions').defaultTo([]);\n    table.jsonb('settings').notNullable().defaultTo({});\n"
         "  });\n  await knex('flows').update({ webhook_path: knex.raw('? || ??', ['/webhooks/flows/', knex.ref('id')]) });\n}\n\n"
         "export async function down(knex) {\n  await knex.schema.dropTable('flows');\n}\n")
FLOWS_PATH = BACKEND + "src/db/migrations/20230609201909_flows.js"
# A migration the folder holds that only the knexfile's folder names: CREATE INDEX on a table it did not create.
INDEX_PATH = BACKEND + "src/db/migrations/20240101000000_index.js"
INDEX = "export async function up(knex) {\n  await knex.raw('CREATE INDEX users_email ON users (email)');\n}\n\nexport async function down() {}\n"


def esm_knexfile(s):
    """The folder is read from the knexfile: the migration there has its HIGH, and nothing is unknown."""
    pull_request(s, {BACKEND + "knexfile.js": KNEXFILE, FLOWS_PATH: FLOWS, INDEX_PATH: INDEX}, ESM_KNEX)
    proc, found = analyze(s)
    check(not unknowns(found), f"analyze: nothing is unknown: {unknowns(found)}")
    check(any(f["path"] == INDEX_PATH and f["rule"] == "create-index-without-concurrently" for f in found),
          f"the knexfile's folder is read: {found}")
    report = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", FLOWS_PATH], cwd=s.repo,
                            capture_output=True, text=True, timeout=120)
    sql = " ".join(st.get("sql", "") for f in json.loads(report.stdout)["files"] for st in f.get("statements", []))
    for want in ("default gen_random_uuid()", "jsonb default '[]'", "jsonb not null default '{}'", "'/webhooks/flows/' || \"id\""):
        check(want in sql, f"{want} is in the SQL read: {sql}")


def knexfile_dirname_control(s):
    """A `__dirname` the knexfile sets to something else is not its folder: unknown at the directory."""
    gate(s, {BACKEND + "knexfile.js": KNEXFILE.replace("path.dirname(fileURLToPath(import.meta.url))", "'/srv/other'"),
                     INDEX_PATH: INDEX}, ESM_KNEX, BACKEND + "knexfile.js", 11)


def knexfile_constant_control(s):
    """A template of a name the knexfile assigns again is not a constant: unknown at loadExtensions."""
    gate(s, {BACKEND + "knexfile.js": KNEXFILE.replace("const fileExtension = 'js';\n", "let fileExtension = 'js';\n"
                                                                "fileExtension = process.env.EXT;\n"),
          INDEX_PATH: INDEX}, ESM_KNEX, BACKEND + "knexfile.js", 14)


def knex_ref_control(s):
    """knex.ref() of a name pgfence does not know stays unknown where it is spliced."""
    gate(s, {BACKEND + "knexfile.js": KNEXFILE, FLOWS_PATH: FLOWS.replace("knex.ref('id')", "knex.ref(process.env.COL)")},
                 ESM_KNEX, FLOWS_PATH, 11)


# automatisch packages/backend/package.json:7-20: every script loads its path-alias loader.
def loader_package(extra=""):
    return ('{\n  "name": "app",\n  "scripts": {\n    "dev": "nodemon --loader ./alias-loader.mjs src/server.js",\n'
            '    "pretest": "APP_ENV=test node --loader ./alias-loader.mjs ./test/setup/prepare-test-env.js",\n'
            '    "test": "APP_ENV=test node --loader ./alias-loader.mjs ./node_modules/.bin/vitest run",\n'
            '    "db:create": "node --loader ./alias-loader.mjs ./bin/database/create.js",\n'
            '    "db:rollback": "node --loader ./alias-loader.mjs ./node_modules/.bin/knex migrate:rollback",\n' + extra +
            '    "db:migrate": "node --loader ./alias-loader.mjs ./node_modules/.bin/knex migrate:latest"\n  },\n'
            '  "dependencies": {"knex": "2.5.1", "pg": "8.11.0"}\n}\n')


LOADER_BASE = {"knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL };\n',
               "migrations/20240101000000_users.js": 'exports.up = (k) => k.raw("CREATE TABLE users (id bigint PRIMARY KEY)");\n'
                                                     'exports.down = (k) => k.raw("DROP TABLE users");\n',
               "alias-loader.mjs": "export async function resolve(s, c, next) { return next(s, c); }\n"}


def loader_scripts(s):
    """Only the script that runs the migration tool (db:migrate) is unknown for its loader."""
    pull_request(s, {"package.json": loader_package()}, LOADER_BASE)
    proc, found = analyze(s)
    here = [f["line"] for f in unknowns(found, "package.json")]
    check(here == [9], f"package.json: unknown at db:migrate (line 9) only: {unknowns(found)}")


def loader_named_control(s):
    """A script a deploy's step runs by name (`release` runs `npm run setup`) keeps its loader unknown."""
    gate(s, {"package.json": loader_package('    "release": "npm run setup",\n'
                                            '    "setup": "node --loader ./alias-loader.mjs scripts/setup.js",\n')},
         LOADER_BASE, "package.json", 10)


# hirosystems/ordinals-api migrations/1677284495299_locations.ts and 1711575178684_brc20-counts-by-operation.ts.
NPGM = {"package.json": '{"name": "app", "scripts": {"migrate": "node-pg-migrate -m migrations"},'
                        ' "dependencies": {"node-pg-migrate": "6.2.2", "pg": "8.11.0"}}\n',
        "migrations/1676395230925_satoshis.ts": "import { MigrationBuilder, ColumnDefinitions } from 'node-pg-migrate';\n\n"
                                                "export const shorthands: ColumnDefinitions | undefined = undefined;\n\n"
                                                "export function up(pgm: MigrationBuilder): void {\n"
                                                "  pgm.createTable('satoshis', { ordinal_number: { type: 'numeric', primaryKey: true } });\n}\n"}
LOCATIONS = ("import { MigrationBuilder, ColumnDefinitions } from 'node-pg-migrate';\n\n"
             "export const shorthands: ColumnDefinitions | undefined = undefined;\n\nexport function up(pgm: MigrationBuilder): void {\n"
             "  pgm.createType('transfer_type', ['transferred', 'spent_in_fees', 'burnt']);\n  pgm.createTable('locations', {\n"
             "    ordinal_number: { type: 'numeric', notNull: true },\n    transfer_type: { type: 'transfer_type', notNull: true },\n  });\n"
             "  pgm.createIndex('locations', ['ordinal_number']);\n}\n")
COUNTS = ("import { MigrationBuilder, ColumnDefinitions } from 'node-pg-migrate';\n\n"
          "export const shorthands: ColumnDefinitions | undefined = undefined;\n\nexport function up(pgm: MigrationBuilder): void {\n"
          "  pgm.createTable('counts_by_type', {\n    transfer_type: { type: 'transfer_type', notNull: true, primaryKey: true },\n"
          "    count: { type: 'int', notNull: true, default: 1 },\n  });\n}\n")


def npgm_create_type(s):
    """The enum is created, the columns of its type are read, and the index on the new table reads no rows."""
    pull_request(s, {"migrations/1677284495299_locations.ts": LOCATIONS, "migrations/1711575178684_counts.ts": COUNTS}, NPGM)
    proc, found = analyze(s)
    check(not unknowns(found), f"analyze: nothing is unknown: {unknowns(found)}")
    check(not [f for f in found if f["path"] == "migrations/1677284495299_locations.ts" and f["line"] == 11 and f["rule"] != "lock-timeout-missing"
               and "every row" in f["message"]], f"the index on the table just created reads no rows: {found}")


def npgm_shorthand_control(s):
    """A migration of the folder that defines shorthands: a type not built in may be one, unknown at its table."""
    pull_request(s, {"migrations/1677284495299_locations.ts": LOCATIONS,
                     "migrations/1600000000000_shorthands.js": "exports.shorthands = { transfer_type: { type: 'text', default: 'x' } };\n"
                                                               "exports.up = () => {};\n"}, NPGM)
    proc, found = analyze(s)
    check(unknown_at(found, "migrations/1677284495299_locations.ts", 7), f"unknown at the table whose column may be a shorthand: {found}")


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in (conditional_settings, conditional_passed_control, conditional_written_control, conditional_querying_control,
                                  models_one_unknown, models_loaded_control, process_exit_stderr, process_stream_control, esm_knexfile,
                                  knexfile_dirname_control, knexfile_constant_control, knex_ref_control, npgm_create_type,
                                  npgm_shorthand_control, loader_scripts, loader_named_control)}))
