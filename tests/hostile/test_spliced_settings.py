"""Settings the JavaScript migration tools write into their SQL text, and configuration modules'
own code (red team R78a B3, B4, B5, B7a). In each attack the migrations read clean (`SELECT 1`, a
scratch table), and a real run dropped users: Sequelize's clientMinMessages, timezone and
searchPath (connection-manager.js), db-migrate's schema (db-migrate-pg index.js), node-pg-migrate's
schema (runner.ts), knex's searchPath, TypeORM's migrationsTableName (MigrationExecutor) go into SQL
unquoted or between quotes the tool does not double; `quoteIdentifiers: false` folds createTable('Users')
onto users; a config/database.js .sequelizerc names opens `pg` itself; Flyway's initSql runs on every
connection. Each is unknown at its line in pr (the line added) and in analyze; ordinary settings
(host, a plain search path) are not.

    test_spliced_settings.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main, write  # noqa: E402
from test_tool_reach import analyze_findings, gated, repository, run  # noqa: E402

SEQ_PACKAGE = ('{"name":"app","scripts":{"db:migrate":"sequelize-cli db:migrate"},"dependencies":{"pg":"^8.11.0","sequelize":"^6.37.0"},'
               '"devDependencies":{"sequelize-cli":"^6.6.2"}}\n')
SEQ_USERS = ("'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('CREATE TABLE users "
             "(id bigserial PRIMARY KEY, email text)');\n  },\n  async down() {}\n};\n")
SEQ_NOOP = "'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('SELECT 1');\n  },\n  async down() {}\n};\n"
SEQ_CONFIG = ('{\n  "development": {\n    "username": "postgres",\n    "password": null,\n    "database": "app",\n    "host": "127.0.0.1",\n'
              '    "dialect": "postgres"\n  },\n  "production": {\n    "use_env_variable": "DATABASE_URL",\n    "dialect": "postgres"\n  }\n}\n')


def sequelize_base():
    return {"package.json": SEQ_PACKAGE, "config/config.json": SEQ_CONFIG, "migrations/20240101000000-create-users.js": SEQ_USERS}


def sequelize_config_json(s):
    """B3 (sqv, sq2): the pull request's config.json gives production a client_min_messages, a time
    zone and a search path that Sequelize writes into its SET statements on every connection."""
    head = {"config/config.json": SEQ_CONFIG.replace(
                '    "use_env_variable": "DATABASE_URL",\n',
                '    "use_env_variable": "DATABASE_URL",\n'
                '    "dialectOptions": { "clientMinMessages": "warning; DROP TABLE IF EXISTS users" },\n'
                '    "timezone": "+00:00\' HOUR TO MINUTE; DROP TABLE IF EXISTS users; SELECT INTERVAL \'1",\n'
                '    "searchPath": "public; DROP TABLE IF EXISTS users",\n'),
            "migrations/20240301000000-noop.js": SEQ_NOOP}
    gated(s, sequelize_base(), head, {("config/config.json", "unknown-statement", 11), ("config/config.json", "unknown-statement", 12),
                                      ("config/config.json", "unknown-statement", 13)})


def db_migrate_schema(s):
    """B3 (dbm2): database.json's schema closes db-migrate-pg's `SET search_path TO "<schema>"`."""
    config = ('{\n  "dev": {"driver": "pg", "host": "127.0.0.1", "user": "postgres", "database": "app"},\n'
              '  "prod": {"driver": "pg", "host": {"ENV": "PGHOST"}, "user": {"ENV": "PGUSER"}, "database": {"ENV": "PGDATABASE"}}\n}\n')
    base = {"package.json": '{"name":"app","scripts":{"migrate":"db-migrate up"},"dependencies":{"db-migrate":"^0.11","db-migrate-pg":"^1"}}\n',
            "database.json": config,
            "migrations/20240101000000-init.js": "exports.up = function (db) {\n  return db.runSql('CREATE TABLE users (id bigserial PRIMARY KEY)');\n};\n"
                                                 "exports.down = function () { return null; };\n"}
    head = {"database.json": config.replace('"database": {"ENV": "PGDATABASE"}}',
                                            '"database": {"ENV": "PGDATABASE"},\n           "schema": "public\\"; DROP TABLE IF EXISTS users; --"}')}
    gated(s, base, head, {("database.json", "unknown-statement", 4)})


def knexfile_search_path(s):
    """B3 (kx1): knex writes each searchPath entry between double quotes it does not double."""
    knexfile = ("module.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n"
                "  migrations: { directory: './migrations' },\n};\n")
    base = {"package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
            "knexfile.js": knexfile,
            "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('CREATE TABLE users (id bigserial PRIMARY KEY)');\nexports.down = () => {};\n"}
    head = {"knexfile.js": knexfile.replace("  migrations:", "  searchPath: ['public\"; DROP TABLE IF EXISTS users; --'],\n  migrations:")}
    gated(s, base, head, {("knexfile.js", "unknown-statement", 4)})


def typeorm_migrations_table(s):
    """B3 (to1): TypeORM writes migrationsTableName into its CREATE TABLE between quotes; this one
    closes them, drops users and opens another table."""
    source = ('const { DataSource } = require("typeorm");\nmodule.exports = new DataSource({\n  type: "postgres",\n'
              '  url: process.env.DATABASE_URL,\n  migrations: ["migrations/*.js"],\n});\n')
    base = {"package.json": '{"name":"app","scripts":{"migrate":"typeorm migration:run -d data-source.js"},"dependencies":{"typeorm":"^0.3.20","pg":"^8"}}\n',
            "data-source.js": source,
            "migrations/1700000000000-Init.js": 'module.exports = class Init1700000000000 {\n  async up(q) { await q.query("CREATE TABLE users (id bigserial PRIMARY KEY)"); }\n'
                                                '  async down() {}\n};\n'}
    head = {"data-source.js": source.replace(
        '  migrations: ["migrations/*.js"],\n',
        '  migrations: ["migrations/*.js"],\n  migrationsTableName: \'typeorm_migrations" (id int); DROP TABLE IF EXISTS users; CREATE TABLE "x\',\n')}
    gated(s, base, head, {("data-source.js", "unknown-statement", 6)})


def node_pg_migrate_schema(s):
    """B3 (np4): node-config's config/default.json gives node-pg-migrate a schema for its
    `SET search_path TO "<schema>"`."""
    base = {"package.json": '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"^7","pg":"^8","config":"^3"}}\n',
            "config/default.json": '{\n  "db": {\n    "url": "postgres://app@db/app"\n  }\n}\n',
            "migrations/1700000000000_init.sql": "-- Up Migration\nCREATE TABLE users (id bigserial PRIMARY KEY);\n"}
    head = {"config/default.json": '{\n  "db": {\n    "url": "postgres://app@db/app",\n    "schema": "public\\"; DROP TABLE IF EXISTS users; --"\n  }\n}\n'}
    gated(s, base, head, {("config/default.json", "unknown-statement", 4)})


def sequelize_quote_identifiers(s):
    """B4 (sq1): with quoteIdentifiers false Sequelize sends createTable('Users') unquoted, which
    PostgreSQL folds onto users: the 'scratch table' this migration creates and drops is users.
    The setting is unknown at its line, in the pull request that adds it and in analyze after."""
    head = {"config/config.json": SEQ_CONFIG.replace('    "dialect": "postgres"\n  }\n}', '    "dialect": "postgres",\n    "quoteIdentifiers": false\n  }\n}'),
            "migrations/20240301000000-session-scratch.js":
                "'use strict';\n/** Scratch table for the session backfill; created and dropped here. */\nmodule.exports = {\n"
                "  async up(queryInterface, Sequelize) {\n    await queryInterface.createTable('Users', { id: { type: Sequelize.BIGINT, primaryKey: true } });\n"
                "    await queryInterface.dropTable('Users');\n  },\n  async down() {}\n};\n"}
    gated(s, sequelize_base(), head, {("config/config.json", "unknown-statement", 12)})


def sequelize_quote_identifiers_on_base(s):
    """B4 (prs/sq): quoteIdentifiers false is already on the base branch; the pull request adds only
    the migration. pr reads the config file the Sequelize migration runs under and reports the
    setting, where before it passed the 'scratch table'."""
    base = sequelize_base()
    base["config/config.json"] = SEQ_CONFIG.replace('    "dialect": "postgres"\n  }\n}', '    "dialect": "postgres",\n    "quoteIdentifiers": false\n  }\n}')
    head = {"migrations/20240301000000-session-scratch.js":
            "'use strict';\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n"
            "    await queryInterface.createTable('Users', { id: { type: Sequelize.BIGINT, primaryKey: true } });\n"
            "    await queryInterface.dropTable('Users');\n  },\n  async down() {}\n};\n"}
    gated(s, base, head, {("config/config.json", "unknown-statement", 12)})


def sequelize_config_module(s):
    """B5 (sq5): .sequelizerc names config/database.js the documented way; that module opens `pg`
    when sequelize-cli requires it and runs its own SQL. A TypeORM data source doing the same is
    unknown too."""
    base = {"package.json": SEQ_PACKAGE,
            ".sequelizerc": "const path = require('path');\nmodule.exports = {\n  config: path.resolve('config', 'database.js'),\n"
                            "  'migrations-path': path.resolve('migrations'),\n};\n",
            "config/database.js": "const url = process.env.DATABASE_URL;\nmodule.exports = { production: { url, dialect: 'postgres' } };\n",
            "migrations/20240101000000-create-users.js": SEQ_USERS}
    head = {"config/database.js": "const { Client } = require('pg');\nconst url = process.env.DATABASE_URL;\n"
                                  "const audit = new Client({ connectionString: url });\n"
                                  "audit.connect().then(() => audit.query('DROP TABLE IF EXISTS users')).finally(() => audit.end());\n"
                                  "module.exports = { production: { url, dialect: 'postgres' } };\n",
            "src/data-source.ts": 'import { DataSource } from "typeorm";\nimport { Client } from "pg";\n'
                                  'export const AppDataSource = new DataSource({ type: "postgres", url: process.env.DATABASE_URL });\n'}
    gated(s, base, head, {("config/database.js", "unknown-statement", 1), ("src/data-source.ts", "unknown-statement", 2)})


def flyway_init_sql(s):
    """B7a (fw4, fw5): Flyway runs initSql on every connection before the migrations; analyze of
    the project reports it at its line in flyway.conf and in flyway.toml."""
    files = {"flyway.conf": "flyway.url=jdbc:postgresql://db/app\nflyway.locations=filesystem:sql\nflyway.initSql=DROP TABLE IF EXISTS users\n",
             "db/flyway.toml": '[flyway]\nlocations = ["filesystem:sql"]\n\n[environments.default]\nurl = "jdbc:postgresql://db/app"\n'
                               'initSql = "DROP TABLE IF EXISTS users"\n',
             "sql/V1__init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY);\n", "sql/V2__noop.sql": "SELECT 1;\n"}
    repository(s, {"README.md": "app\n"}, files)
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", ".")
    check(proc.returncode == 1, f"analyze --ci --unknown block fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    for e in (("flyway.conf", "unknown-statement", 3), ("db/flyway.toml", "unknown-statement", 6)):
        check(e in found, f"analyze reports {e}: {sorted(found)}")


KNEX_BASE = {"package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
             "knexfile.js": "module.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n  migrations: { directory: './migrations' },\n};\n",
             "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('CREATE TABLE users (id bigserial PRIMARY KEY)');\nexports.down = () => {};\n"}
EVIL_PATH = "['public\"; DROP TABLE IF EXISTS users; --']"


def knexfile_spread_module(s):
    """R78b B3 (kx_spread): the knexfile spreads another module's settings, whose searchPath knex
    writes into its SQL (real knex 3.1 run: users dropped). The spread is unknown at its line."""
    head = {"knexfile.js": "const base = require('./src/db/base');\n\nmodule.exports = {\n  ...base,\n  connection: process.env.DATABASE_URL,\n"
                           "  migrations: { directory: './migrations' },\n};\n",
            "src/db/base.js": "module.exports = { client: 'pg', searchPath: " + EVIL_PATH + " };\n"}
    gated(s, KNEX_BASE, head, {("knexfile.js", "unknown-statement", 4)})


def knexfile_required_settings(s):
    """R78b B3 (kx_reqcfg): `module.exports = require('./src/db/config')`: the settings are that
    module's, unread here: unknown at the line."""
    head = {"knexfile.js": "// Settings live with the rest of the database code.\nmodule.exports = require('./src/db/config');\n",
            "src/db/config.js": "module.exports = { client: 'pg', searchPath: " + EVIL_PATH + " };\n"}
    gated(s, KNEX_BASE, head, {("knexfile.js", "unknown-statement", 2)})


def knexfile_computed_key(s):
    """R78b B3 (kx_computed, kx_assign): a computed key and a computed member assignment hide searchPath."""
    head = {"knexfile.js": "const k = 'search' + 'Path';\nconst config = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n"
                           "  [k]: " + EVIL_PATH + ",\n};\nconfig['search' + 'Path'] = " + EVIL_PATH + ";\nmodule.exports = config;\n"}
    gated(s, KNEX_BASE, head, {("knexfile.js", "unknown-statement", 5), ("knexfile.js", "unknown-statement", 7)})


def sequelize_config_module_spread(s):
    """R78b B3 (sq_jsspread, sq_computedkey): config/config.js spreads lib/dbshared.js's settings and
    sets a computed key; sequelize-cli's SET search_path took either (users dropped)."""
    head = {"config/config.js": "const shared = require('../lib/dbshared');\nmodule.exports = {\n  production: {\n    ...shared,\n"
                                "    use_env_variable: 'DATABASE_URL',\n    ['search' + 'Path']: 'public; DROP TABLE IF EXISTS users',\n  },\n};\n",
            "lib/dbshared.js": "module.exports = { dialect: 'postgres', searchPath: 'public; DROP TABLE IF EXISTS users' };\n",
            "migrations/20240301000000-noop.js": SEQ_NOOP}
    base = sequelize_base()
    del base["config/config.json"]
    base["config/config.js"] = "module.exports = {\n  production: {\n    use_env_variable: 'DATABASE_URL',\n    dialect: 'postgres',\n  },\n};\n"
    gated(s, base, head, {("config/config.js", "unknown-statement", 4), ("config/config.js", "unknown-statement", 6)})


NPM_BASE = {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "node-pg-migrate up"\n  },\n'
                           '  "dependencies": {"node-pg-migrate": "7.9.1", "pg": "8.11.0"}\n}\n',
            "migrations/1700000000000_init.js": "exports.up = (pgm) => { pgm.sql('CREATE TABLE users (id bigserial PRIMARY KEY)'); };\nexports.down = () => {};\n"}


def node_pg_migrate_cli_schema(s):
    """R78b B4 (np_cli): the script passes --schema, which node-pg-migrate writes into
    `SET search_path TO "<schema>"` (runner.ts); this one closes the quotes and drops users (real
    node-pg-migrate 7.9.1 run). Unknown at the script's line in pr and analyze."""
    head = {"package.json": NPM_BASE["package.json"].replace('"node-pg-migrate up"',
                                                             '"node-pg-migrate up --schema \'public\\\"; DROP TABLE IF EXISTS users; --\' '
                                                             '--migrations-schema public"')}
    gated(s, NPM_BASE, head, {("package.json", "unknown-statement", 4)})


def node_pg_migrate_cli_workflow(s):
    """R78b B4 (np_cli_wf): the deploy workflow passes --migrations-table on through `npm run
    migrate -- up`; node-pg-migrate writes the table's name between double quotes it does not
    double (real run: users dropped)."""
    head = {".github/workflows/deploy.yml": "on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - uses: actions/checkout@v4\n      - run: npm ci && npm run migrate -- up --migrations-table "
                                            "'pgmigrations\" (id int); DROP TABLE IF EXISTS users; CREATE TABLE \"x'\n"}
    gated(s, NPM_BASE, head, {(".github/workflows/deploy.yml", "unknown-statement", 7)})


def node_pg_migrate_cli_control(s):
    """Plain names on node-pg-migrate's command lines stay clean: --schema app (named in a note),
    -t, --migrations-table passed on by npm, and another tool's --schema path (prisma)."""
    files = dict(NPM_BASE)
    files["package.json"] = NPM_BASE["package.json"].replace(
        '"node-pg-migrate up"', '"node-pg-migrate up --schema app --migrations-schema public -t pgmigrations",\n'
                                '    "prisma:deploy": "prisma migrate deploy --schema ./prisma/schema.prisma"')
    files["Makefile"] = "migrate:\n\tnpm run migrate -- up --migrations-table pgmigrations\n"
    repository(s, {"README.md": "app\n"}, files)
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--format", "json", ".")
    check(proc.returncode == 0, f"analyze passes plain flags: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr}")
    proc = run(s, "analyze", "--no-config", ".")
    check("--schema \"app\"" in proc.stdout + proc.stderr, f"a note names the schema: {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


SEQ_RC = ("const path = require('path');\n\nmodule.exports = {\n  config: path.resolve('src', 'db', 'CONFIG'),\n"
          "  'migrations-path': path.resolve('migrations'),\n};\n")


def analyze_gate(s):
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", ".")
    return proc, analyze_findings(s)


def sequelize_rc_base(config_name, config_text):
    return {"package.json": SEQ_PACKAGE, ".sequelizerc": SEQ_RC.replace("CONFIG", config_name), "src/db/" + config_name: config_text,
            "migrations/20240101000000-create-users.js": SEQ_USERS}


def sequelize_rc_config_module(s):
    """R78b B6 (sq_rcjs): .sequelizerc names src/db/sequelize.js as the configuration; the pull
    request makes it open pg and drop users at load (real sequelize-cli db:migrate did). Read as
    config/config.js is: its driver import is unknown at its line, in pr and analyze."""
    base = sequelize_rc_base("sequelize.js", "module.exports = { production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' } };\n")
    head = {"src/db/sequelize.js": "const { Client } = require('pg');\nconst c = new Client({ connectionString: process.env.DATABASE_URL });\n"
                                   "c.connect().then(() => c.query('DROP TABLE IF EXISTS users')).then(() => c.end());\n"
                                   "module.exports = { production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' } };\n",
            "migrations/20240301000000-noop.js": SEQ_NOOP}
    gated(s, base, head, {("src/db/sequelize.js", "unknown-statement", 1)})


def sequelize_rc_config_json(s):
    """R78b B3 (sq_rcpath): .sequelizerc names src/db/sequelize.json; the pull request gives it a
    searchPath Sequelize writes into its SET search_path."""
    config = '{\n  "production": {\n    "use_env_variable": "DATABASE_URL",\n    "dialect": "postgres"\n  }\n}\n'
    head = {"src/db/sequelize.json": config.replace('"postgres"\n', '"postgres",\n    "searchPath": "public; DROP TABLE IF EXISTS users"\n'),
            "migrations/20240301000000-noop.js": SEQ_NOOP}
    gated(s, sequelize_rc_base("sequelize.json", config), head, {("src/db/sequelize.json", "unknown-statement", 5)})


def sequelize_rc_control(s):
    """An ordinary .sequelizerc naming src/db/sequelize.js (dotenv, environment settings, a plain
    searchPath) stays clean."""
    files = {"package.json": SEQ_PACKAGE, ".sequelizerc": SEQ_RC.replace("CONFIG", "sequelize.js"),
             "src/db/sequelize.js": "require('dotenv').config();\nmodule.exports = {\n  production: { use_env_variable: 'DATABASE_URL', "
                                    "dialect: 'postgres', searchPath: 'app' },\n};\n",
             "migrations/20240101000000-create-users.js": SEQ_USERS}
    repository(s, {"README.md": "app\n"}, files)
    proc, found = analyze_gate(s)
    check(proc.returncode == 0, f"analyze passes: exit {proc.returncode}: {sorted(found)}\n{proc.stderr}")


def shared_settings_control(s):
    """The usual knexfile and Sequelize config.js shapes stay clean: a spread of an object written in
    the same file (its keys read as any), an environment's computed object key, exports of a local."""
    files = {"package.json": KNEX_BASE["package.json"],
             "knexfile.js": "const common = { client: 'pg', searchPath: ['app', 'public'], migrations: { directory: './migrations' } };\n"
                            "const env = process.env.NODE_ENV || 'development';\n"
                            "const config = {\n  development: { ...common, connection: 'postgres://localhost/app' },\n"
                            "  [env]: { ...common, connection: process.env.DATABASE_URL },\n};\nmodule.exports = config;\n",
             "config/config.js": "const shared = { dialect: 'postgres', logging: false };\nmodule.exports = {\n  production: { ...shared, "
                                 "use_env_variable: 'DATABASE_URL' },\n};\n",
             "migrations/20240101000000_init.js": KNEX_BASE["migrations/20240101000000_init.js"]}
    repository(s, {"README.md": "app\n"}, files)
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--format", "json", ".")
    check(proc.returncode == 0, f"analyze passes ordinary settings: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr}")


def ordinary_settings_control(s):
    """Ordinary settings stay clean: a Sequelize config.json with host, user, database and a plain
    searchPath, a database.json with a plain schema, a knexfile with searchPath ['public'], a data
    source with a plain migrationsTableName, a config module requiring dotenv. analyze --unknown
    block passes; the plain schemas other than public are named in a note."""
    files = {"package.json": SEQ_PACKAGE,
             "config/config.json": SEQ_CONFIG.replace('"dialect": "postgres"\n  },', '"dialect": "postgres",\n    "searchPath": "app",\n'
                                                      '    "timezone": "+00:00",\n    "dialectOptions": { "clientMinMessages": "warning", "ssl": { "require": true } }\n  },'),
             "config/config.js": "require('dotenv').config();\nmodule.exports = { production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres', "
                                 "migrationStorageTableName: 'sequelize_meta' } };\n",
             "database.json": '{"dev": {"driver": "pg", "host": "db", "user": "app", "database": "app", "schema": "app"}}\n',
             "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, searchPath: ['public'] };\n",
             "src/data-source.ts": 'import { DataSource } from "typeorm";\nexport default new DataSource({ type: "postgres", url: process.env.DATABASE_URL,\n'
                                   '  migrationsTableName: "typeorm_migrations", schema: "public" });\n',
             "migrations/20240101000000-create-users.js": SEQ_USERS}
    repository(s, {"README.md": "app\n"}, files)
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--format", "json", ".")
    check(proc.returncode == 0, f"analyze passes ordinary settings: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr}")
    check("unknown" not in {x["rule"] for f in json.loads(proc.stdout)["files"] for x in f["findings"]}, "no unknown")
    proc = run(s, "analyze", "--no-config", ".")
    check("searchPath" in proc.stdout + proc.stderr and '"app"' in proc.stdout + proc.stderr,
          f"a note names the search path: {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in (sequelize_config_json, db_migrate_schema, knexfile_search_path, typeorm_migrations_table,
                                            node_pg_migrate_schema, sequelize_quote_identifiers,
                                            sequelize_quote_identifiers_on_base, sequelize_config_module, flyway_init_sql,
                                            ordinary_settings_control, knexfile_spread_module, knexfile_required_settings,
                                            knexfile_computed_key, sequelize_config_module_spread, shared_settings_control,
                                            node_pg_migrate_cli_schema, node_pg_migrate_cli_workflow, node_pg_migrate_cli_control,
                                            sequelize_rc_config_module, sequelize_rc_config_json, sequelize_rc_control)}))
