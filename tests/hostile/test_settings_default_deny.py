"""Settings modules read default-deny (issue #53; red team R78a B5, R78b B3, B6). A migration tool
loads its JavaScript settings module with require() in the process that then runs the migrations;
pgfence reads each statement there only as one of a closed set of settings forms
(analyze/orm/settings_module.hpp), and anything else is unknown at its line: a local function the
knexfile calls that runs a query, `module.constructor._load('pg')` in the configuration a
.sequelizerc names at another path, top-level code in the knexfile `knex --knexfile` names, a
TypeORM data source `typeorm -d` names that runs its own query, a module the knexfile loads that
runs a program. In each the migrations read clean. Ordinary settings modules (dotenv, path.join,
environment defaults, a NODE_ENV ternary, TypeScript types, a DataSource with a naming strategy)
stay clean.

    test_settings_default_deny.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import gated, pr_findings, repository, run  # noqa: E402

KNEX_PACKAGE = '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n'
KNEXFILE = "module.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n  migrations: { directory: './migrations' },\n};\n"
KNEX_INIT = "exports.up = (knex) => knex.raw('CREATE TABLE users (id bigserial PRIMARY KEY)');\nexports.down = () => {};\n"
KNEX_NOOP = "exports.up = (knex) => knex.raw('SELECT 1');\nexports.down = () => {};\n"


def knex_base():
    return {"package.json": KNEX_PACKAGE, "knexfile.js": KNEXFILE, "migrations/20240101000000_init.js": KNEX_INIT}


def knexfile_local_function(s):
    """The knexfile calls a function of its own at the top; the function opens knex on the same
    database and drops users before knex runs the (harmless) migration."""
    head = {"knexfile.js": "const knex = require('knex');\n\nfunction warmUp(url) {\n"
                           "  return knex({ client: 'pg', connection: url }).raw('DROP TABLE IF EXISTS users');\n}\n"
                           "warmUp(process.env.DATABASE_URL);\n\n" + KNEXFILE,
            "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, knex_base(), head, {("knexfile.js", "unknown-statement", 4)})


SEQ_PACKAGE = ('{"name":"app","scripts":{"db:migrate":"sequelize-cli db:migrate"},"dependencies":{"pg":"^8.11.0","sequelize":"^6.37.0"},'
               '"devDependencies":{"sequelize-cli":"^6.6.2"}}\n')
SEQ_USERS = ("'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('CREATE TABLE users "
             "(id bigserial PRIMARY KEY, email text)');\n  },\n  async down() {}\n};\n")
SEQ_NOOP = "'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('SELECT 1');\n  },\n  async down() {}\n};\n"


def sequelizerc_module_constructor(s):
    """.sequelizerc names src/db/settings.js; that module reaches Node's loader through
    `module.constructor._load('pg')` (no require('pg') to see) and drops users when sequelize-cli loads it."""
    rc = ("const path = require('path');\nmodule.exports = {\n  config: path.resolve('src', 'db', 'settings.js'),\n"
          "  'migrations-path': path.resolve('migrations'),\n};\n")
    settings = "module.exports = { production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' } };\n"
    base = {"package.json": SEQ_PACKAGE, ".sequelizerc": rc, "src/db/settings.js": settings, "migrations/20240101000000-create-users.js": SEQ_USERS}
    head = {"src/db/settings.js": "const Pg = module.constructor._load('p' + 'g');\n"
                                  "new Pg.Client({ connectionString: process.env.DATABASE_URL }).connect()\n"
                                  "  .then(function () { return this.query('DROP TABLE IF EXISTS users'); });\n" + settings,
            "migrations/20240301000000-noop.js": SEQ_NOOP}
    gated(s, base, head, {("src/db/settings.js", "unknown-statement", 1)})


def knexfile_flag_module(s):
    """package.json runs `knex --knexfile db/conf.js`; db/conf.js opens knex itself at the top and
    drops users, then exports ordinary settings."""
    conf = "module.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n  migrations: { directory: '../migrations' },\n};\n"
    package = '{"name":"app","scripts":{"migrate":"knex migrate:latest --knexfile db/conf.js"},"dependencies":{"knex":"^3","pg":"^8"}}\n'
    base = {"package.json": package, "db/conf.js": conf, "migrations/20240101000000_init.js": KNEX_INIT}
    head = {"db/conf.js": "const knex = require('knex');\nknex({ client: 'pg', connection: process.env.DATABASE_URL }).raw('DROP TABLE IF EXISTS users')"
                          ".then(() => {});\n" + conf,
            "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, base, head, {("db/conf.js", "unknown-statement", 2)})


def typeorm_data_source_flag(s):
    """package.json runs `typeorm migration:run -d src/ds.js`; the data source initialises itself
    and runs its own DROP TABLE when the CLI loads it."""
    source = ('const { DataSource } = require("typeorm");\nconst ds = new DataSource({\n  type: "postgres",\n'
              '  url: process.env.DATABASE_URL,\n  migrations: ["migrations/*.js"],\n});\n')
    package = ('{"name":"app","scripts":{"migrate":"typeorm migration:run -d src/ds.js"},'
               '"dependencies":{"typeorm":"^0.3.20","pg":"^8"}}\n')
    base = {"package.json": package, "src/ds.js": source + "module.exports = ds;\n",
            "migrations/1700000000000-Init.js": 'module.exports = class Init1700000000000 {\n  async up(q) { await q.query("CREATE TABLE users (id bigserial PRIMARY KEY)"); }\n'
                                                '  async down() {}\n};\n'}
    head = {"src/ds.js": source + 'ds.initialize().then(() => ds.query("DROP TABLE IF EXISTS users"));\nmodule.exports = ds;\n'}
    gated(s, base, head, {("src/ds.js", "unknown-statement", 7)})


def knexfile_loaded_module(s):
    """The knexfile takes its pool sizes from db/pool.js, which runs psql at the top when knex
    loads the knexfile; the knexfile itself reads only settings."""
    head = {"knexfile.js": "const { pool } = require('./db/pool');\n\nmodule.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n"
                           "  pool: { min: pool.min, max: pool.max },\n  migrations: { directory: './migrations' },\n};\n",
            "db/pool.js": "const cp = require('child' + '_process');\n"
                          "cp.execSync('psql \"$DATABASE_URL\" -c \"DROP TABLE IF EXISTS users\"');\n"
                          "module.exports = { pool: { min: 1, max: 5 } };\n",
            "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, knex_base(), head, {("knexfile.js", "unknown-statement", 1)})


CONTROL_KNEXFILE = """'use strict';
require('dotenv').config({ path: require('path').resolve(__dirname, '.env') });
const path = require('path');
const fs = require('fs');

const env = process.env.NODE_ENV || 'development';
const isProduction = env === 'production';
const caFile = path.join(__dirname, 'certs', 'ca.pem');
const poolMax = parseInt(process.env.DB_POOL_MAX ?? '10', 10);

function ssl() {
  if (process.env.DB_SSL !== 'true') return false;
  return { rejectUnauthorized: true, ca: fs.existsSync(caFile) ? fs.readFileSync(caFile, 'utf8') : undefined };
}

const base = {
  client: 'pg',
  connection: {
    connectionString: process.env.DATABASE_URL || `postgres://app@localhost:5432/app_${env}`,
    ssl: ssl(),
  },
  pool: { min: Number(process.env.DB_POOL_MIN) || 2, max: poolMax },
  migrations: { directory: './migrations', tableName: 'knex_migrations' },
  debug: !isProduction && process.env.KNEX_DEBUG === '1',
  log: { warn(message) { console.warn('[knex]', message); } },
};

const config = {
  development: { ...base },
  test: { ...base, connection: process.env.TEST_DATABASE_URL },
  production: { ...base, pool: { min: 2, max: isProduction ? poolMax * 2 : poolMax } },
};
config.staging = { ...config.production };
module.exports = config;
"""

CONTROL_KNEXFILE_TS = """import type { Knex } from 'knex';
import 'dotenv/config';
import appConfig from './app-config';

interface Settings extends Knex.Config {
  client: string;
}
type Env = 'development' | 'production';

const env: Env = (process.env.NODE_ENV as Env) ?? 'development';

const config: Record<Env, Settings> = {
  development: {
    client: 'pg',
    connection: process.env.DATABASE_URL!,
    migrations: { directory: './migrations' },
  },
  production: {
    client: 'pg',
    connection: { connectionString: process.env.DATABASE_URL as string, ssl: { rejectUnauthorized: false } },
    pool: { min: 2, max: 10 },
    migrations: { directory: './migrations' },
  },
} satisfies Record<Env, Knex.Config>;

export default config[env];
"""

CONTROL_SEQUELIZE = """require('dotenv').config();

const common = {
  dialect: 'postgres',
  logging: process.env.SQL_LOG === '1' ? console.log : false,
  migrationStorageTableName: 'sequelize_meta',
};

module.exports = {
  development: {
    ...common,
    username: process.env.DB_USER || 'postgres',
    password: process.env.DB_PASSWORD || null,
    database: process.env.DB_NAME || 'app_dev',
    host: process.env.DB_HOST || '127.0.0.1',
    port: Number(process.env.DB_PORT || 5432),
  },
  production: {
    ...common,
    use_env_variable: 'DATABASE_URL',
    dialectOptions: { ssl: { require: true, rejectUnauthorized: false } },
  },
};
"""

CONTROL_DATA_SOURCE = """import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import * as path from 'path';

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  synchronize: false,
  logging: process.env.NODE_ENV !== 'production',
  migrations: ['migrations/*.js'],
  entities: [path.join(__dirname, 'entities', '*.{ts,js}')],
  migrationsTableName: 'typeorm_migrations',
  namingStrategy: new SnakeNamingStrategy(),
});

export default AppDataSource;
"""


CONTROL_APP_CONFIG = """import process from 'node:process';
import path from 'path';
import { fileURLToPath } from 'url';

const __dirname = path.dirname(fileURLToPath(import.meta.url));
const host = process.env.HOST || 'localhost';

export default { host, dir: path.join(__dirname, 'data') };
"""


def ordinary_settings_control(s):
    """Typical settings modules stay clean: a knexfile with dotenv, path.join, environment
    defaults, a NODE_ENV ternary, a function of its own and knex's log.warn; a TypeScript knexfile
    with types, loading an ES module config (import.meta.url, node:process); a Sequelize config.js with `logging`; a TypeORM data source `typeorm -d` names.
    analyze --unknown block passes, and pr reports no unknown in them."""
    files = {"package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest","migrate:ts":"knex migrate:latest --knexfile db/knexfile.ts",'
                             '"typeorm":"typeorm migration:show -d src/data-source.ts","seq":"sequelize-cli db:migrate"},'
                             '"dependencies":{"knex":"^3","pg":"^8","typeorm":"^0.3.20","sequelize":"^6"}}\n',
             "knexfile.js": CONTROL_KNEXFILE, "db/knexfile.ts": CONTROL_KNEXFILE_TS, "db/app-config.ts": CONTROL_APP_CONFIG, "config/config.js": CONTROL_SEQUELIZE,
             "src/data-source.ts": CONTROL_DATA_SOURCE, "migrations/20240101000000_init.js": KNEX_INIT}
    repository(s, {"README.md": "app\n"}, files)
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--format", "json", ".")
    report = json.loads(proc.stdout)
    unknown = [(f["path"], x["start"]["line"], x["message"][:300]) for f in report["files"] for x in f["findings"] if x["rule"].startswith("unknown")]
    check(proc.returncode == 0 and not unknown, f"analyze passes ordinary settings modules: exit {proc.returncode}\n{unknown}\n{proc.stderr[-2000:]}")
    s.start_double()
    s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = {f for f in pr_findings(s) if f[1].startswith("unknown")}
    check(not found, f"pr reports no unknown in ordinary settings modules: {sorted(found)}")


# Red team R80 L1-L3: a settings module may call only allowlisted packages' functions (docs/security.md).
NPM_OPS = "exports.up = (pgm) => { pgm.sql('DROP TABLE users'); };\n"


def knexfile_package_runner(s):
    """R80 L1: the knexfile calls node-pg-migrate's runner on lib/ops, a folder no setting names,
    whose migration drops users; knex then runs its own (harmless) migration. Run for real (knex
    3.1.0, node-pg-migrate 7.9.1, PostgreSQL 15): users is gone. The runner is not on the allowlist."""
    head = {"knexfile.js": "const { runner } = require('node-pg-migrate');\n\n"
                           "runner({ databaseUrl: process.env.DATABASE_URL, dir: ['lib', 'ops'].join('/'), direction: 'up', migrationsTable: 'ops_log' });\n\n"
                           + KNEXFILE,
            "lib/ops/1_ops.js": NPM_OPS, "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, knex_base(), head, {("knexfile.js", "unknown-statement", 3)})


def knexfile_package_handed_on(s):
    """R80 L1: node-pg-migrate's runner reaches the knexfile through db/ops.js, a module it loads,
    as a plain value; and umzug's Umzug is made with `new` and run on lib/ops."""
    head = {"knexfile.js": "const { runner } = require('./db/ops');\nconst { Umzug } = require('umzug');\n"
                           "new Umzug({ migrations: { glob: 'lib/ops/*.js' }, context: {}, logger: undefined }).up();\n"
                           "runner({ dir: 'lib/ops', direction: 'up', migrationsTable: 'ops_log' });\n" + KNEXFILE,
            "db/ops.js": "module.exports = { runner: require('node-pg-migrate').runner };\n",
            "lib/ops/1_ops.js": NPM_OPS, "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, knex_base(), head, {("knexfile.js", "unknown-statement", 1), ("knexfile.js", "unknown-statement", 3)})


def knexfile_env_assign(s):
    """R80 L2: Object.assign writes into process.env keys pgfence does not see: from a JSON file
    (PGOPTIONS search_path for every connection knex opens), from a spread, and through the
    process.env another Object.assign returns; and dotenv's config() loads db/settings.txt, a file
    pgfence does not read as a dotenv file, into process.env."""
    head = {"knexfile.js": "Object.assign(process.env, require('./db/env.json'));\n"
                           "Object.assign(process.env, { ...require('./db/env.json') });\n"
                           "Object.assign(Object.assign(process.env), JSON.parse(require('fs').readFileSync('db/env.json', 'utf8')));\n"
                           "require('dotenv').config({ path: require('path').join(__dirname, 'db', 'settings.txt') });\n" + KNEXFILE,
            "db/env.json": '{"PG' + 'OPTIONS": "-c search_path=evil"}\n', "db/settings.txt": "PGOPTIONS='-c search_path=evil'\n",
            "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, knex_base(), head, {("knexfile.js", "unknown-statement", n) for n in (1, 2, 3, 4)})


def knexfile_callback_writes(s):
    """R80 L3: an assignment as an arrow's body (`() => x.y = ...`) was not read past its target:
    a callback of then() or map() hides a package's value, a write to an object a module made,
    and a call of node-pg-migrate's runner there."""
    head = {"knexfile.js": "const ops = require('./db/ops');\nconst x = {};\n"
                           "Promise.resolve().then(() => x.m = require('umzug'));\n"
                           "[ops].map((o) => o.run = require('node-pg-migrate').runner({ dir: 'lib/ops', direction: 'up' }));\n" + KNEXFILE,
            "db/ops.js": "module.exports = { run: null };\n",
            "lib/ops/1_ops.js": NPM_OPS, "migrations/20240301000000_noop.js": KNEX_NOOP}
    gated(s, knex_base(), head, {("knexfile.js", "unknown-statement", 3), ("knexfile.js", "unknown-statement", 4)})


# The allowlisted forms real settings modules use (automatisch's knexfile and config, outline's
# .sequelizerc, alga's knexfile, planka's): they stay clean.
CONTROL_ESM_KNEXFILE = """import { knexSnakeCaseMappers } from 'objection';
import path, { join } from 'path';
import os from 'os';
import { fileURLToPath, URL } from 'url';
import { parse } from 'pg-connection-string';
import { validate as uuidValidate } from 'uuid';
import * as dotenv from 'dotenv';
import { expand } from 'dotenv-expand';
import _ from 'lodash';

expand(dotenv.config({ path: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.env') }));
dotenv.config({ path: process.env.NODE_ENV === 'test' ? '.env.test' : `.env.${process.env.NODE_ENV}` });
Object.assign(process.env, { TZ: 'UTC' });
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const parsed = parse(process.env.DATABASE_URL || 'postgres://localhost/app');
const url = new URL(process.env.DATABASE_URL || 'postgres://localhost/app');
const tenant = uuidValidate(process.env.TENANT_ID || '') ? process.env.TENANT_ID : undefined;
const pool = _.snakeCase(process.env.APP_POOL || 'main');
const mappers = knexSnakeCaseMappers();

export default {
  client: 'pg',
  connection: { host: parsed.host || url.hostname, database: parsed.database, application_name: `${os.hostname()}-${tenant}-${pool}` },
  migrations: { directory: './migrations', tableName: 'knex_migrations' },
  seeds: { directory: join(__dirname, 'seeds') },
  debug: Boolean(mappers),
};
"""

CONTROL_SEQUELIZERC = """require("@dotenvx/dotenvx").config({
  path: process.env.NODE_ENV === "test" ? ".env.test" : ".env",
});

var path = require('path');

module.exports = {
  'config': path.resolve('config', 'config.js'),
  'migrations-path': path.resolve('migrations'),
};
"""


def allowlisted_settings_control(s):
    """The allowlist's forms stay clean: an ES knexfile with objection's knexSnakeCaseMappers,
    path, os, url, pg-connection-string, uuid, lodash, dotenv with dotenv-expand and a literal
    Object.assign into process.env; outline's .sequelizerc with @dotenvx/dotenvx."""
    files = {"package.json": '{"name":"app","type":"module","scripts":{"migrate":"knex migrate:latest","seq":"sequelize-cli db:migrate"},'
                             '"dependencies":{"knex":"^3","pg":"^8","objection":"^3","sequelize":"^6"}}\n',
             "knexfile.js": CONTROL_ESM_KNEXFILE, ".sequelizerc": CONTROL_SEQUELIZERC, "config/config.js": CONTROL_SEQUELIZE,
             "migrations/20240101000000_init.js": KNEX_INIT}
    repository(s, {"README.md": "app\n"}, files)
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--format", "json", ".")
    report = json.loads(proc.stdout)
    unknown = [(f["path"], x["start"]["line"], x["message"][:300]) for f in report["files"] for x in f["findings"] if x["rule"].startswith("unknown")]
    check(proc.returncode == 0 and not unknown, f"analyze passes allowlisted settings modules: exit {proc.returncode}\n{unknown}\n{proc.stderr[-2000:]}")


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in (knexfile_local_function, sequelizerc_module_constructor, knexfile_flag_module, typeorm_data_source_flag,
                                           knexfile_loaded_module, ordinary_settings_control,
                                           knexfile_package_runner, knexfile_package_handed_on, knexfile_env_assign, knexfile_callback_writes,
                                           allowlisted_settings_control)}))
