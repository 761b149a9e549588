"""Files the project's migration tool runs that pgfence did not select (issue #53, red team G1): a
pull request must not pass `pgfence pr` with SQL pgfence did not see. Each scenario builds a real
git repository (base commit on main, the pull request's commit on feature), runs `pgfence pr`
against the GitHub double and `analyze --ci --max-risk low` over the checkout, and asserts that
both fail with the finding (or the unknown statement) at the file and line the tool runs.

    test_tool_reach.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

KNEX_INIT = ("exports.up = function (knex) {\n  return knex.raw(\"SET lock_timeout = '2s'; CREATE TABLE users (id bigserial "
             "PRIMARY KEY, email text NOT NULL); CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric)\");\n};\n"
             "exports.down = function () {};\n")
SEQ_INIT = ("module.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query(\"SET lock_timeout = '2s'; "
            "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL); CREATE TABLE orders (id bigserial PRIMARY KEY, "
            "total numeric)\");\n  },\n  async down() {}\n};\n")
WORKFLOW = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm run migrate\n")


def repository(s, base_files, head_files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "change")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def run(s, *cmd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([s.args.binary, *cmd], cwd=s.repo, env=env, capture_output=True, text=True, timeout=120)


def check_run(s):
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    check(len(runs) == 1, f"one check run posted: {[r['path'] for r in s.requests()]}")
    return runs[0]["body"]


def pr_findings(s):
    """(path, rule, line) of the pull request's JSON report."""
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    return {(f["path"], x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]}


def analyze_findings(s):
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    check(proc.returncode in (0, 1), f"analyze --format json: exit {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    out = set()
    for f in report["files"]:
        path = f["path"][2:] if f["path"].startswith("./") else f["path"]
        out |= {(path, x["rule"], x["start"]["line"]) for x in f["findings"]}
    return out


def gated(s, base_files, head_files, expected, analyze=True):
    """The pull request must fail pr (check run a failure naming the findings) with each of
    `expected` ((path, rule, line)) among its findings; with `analyze`, analyze --ci --max-risk low
    of the head checkout fails too and reports them."""
    repository(s, base_files, head_files)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    body = check_run(s)
    check(body.get("conclusion") == "failure", f"check run conclusion: {body.get('conclusion')}")
    found = pr_findings(s)
    for e in expected:
        check(e in found, f"pr reports {e}: {sorted(found)}\n{proc.stderr}")
        check(e[1] in body["output"]["summary"] or e[1] in json.dumps(body["output"].get("annotations", [])),
              f"the check run names {e[1]}: {body['output']['summary']}")
    s.all_requests_valid()
    if not analyze:
        return
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    for e in expected:
        check(e in found, f"analyze reports {e}: {sorted(found)}")


def knex_seed(s):
    """Red team G1, KSEED: package.json runs `knex migrate:latest && knex seed:run`; knex seed:run
    calls seed(knex) of every file of the knexfile's seeds.directory (knex/knex
    lib/migrations/seed/Seeder.js). The pull request adds a seed that empties orders and drops users."""
    knexfile = ("module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' }, "
                "seeds: { directory: './db/seeds' } };\n")
    base = {".github/workflows/deploy.yml": WORKFLOW, "knexfile.js": knexfile,
            "migrations/20240101000000_init.js": KNEX_INIT,
            "db/seeds/00_settings.js": "exports.seed = async function (knex) {\n  await knex.raw('SELECT 1');\n};\n",
            "package.json": '{ "name": "app", "scripts": { "migrate": "knex migrate:latest && knex seed:run" }, '
                            '"dependencies": { "knex": "^3.1.0", "pg": "^8.11.0" } }\n'}
    seed = ("exports.seed = async function (knex) {\n  await knex('orders').del();\n  await knex.raw('DROP TABLE users');\n};\n")
    gated(s, base, {"db/seeds/01_orders.js": seed},
          {("db/seeds/01_orders.js", "delete-without-where", 2), ("db/seeds/01_orders.js", "drop-table", 3)})


def sequelize_seed(s):
    """Red team G1, SEQSEED: `sequelize-cli db:seed:all` runs every seeder's up() from seeders-path
    (.sequelizerc; default seeders/). The pull request adds one that empties orders and drops users."""
    base = {"config/config.json": '{"production":{"dialect":"postgres","use_env_variable":"DATABASE_URL"}}\n',
            "migrations/20240101000000-init.js": SEQ_INIT,
            ".sequelizerc": "const path = require('path');\nmodule.exports = {\n  'seeders-path': path.resolve('db', 'seeders'),\n};\n",
            "db/seeders/20240101000000-noop.js":
                "module.exports = { async up(queryInterface) { await queryInterface.sequelize.query('SELECT 1'); }, async down() {} };\n",
            "package.json": '{"name":"app","scripts":{"deploy":"sequelize-cli db:migrate && sequelize-cli db:seed:all"},'
                            '"dependencies":{"sequelize":"^6","sequelize-cli":"^6","pg":"^8"}}\n'}
    seeder = ("module.exports = {\n  async up(queryInterface) {\n    await queryInterface.bulkDelete('orders', null, {});\n"
              "    await queryInterface.sequelize.query('DROP TABLE users');\n  },\n  async down() {}\n};\n")
    gated(s, base, {"db/seeders/20240102000000-reset.js": seeder},
          {("db/seeders/20240102000000-reset.js", "drop-table", 4)})


def node_pg_migrate_names(s):
    """Red team G1, NPMEXT_SQL / NPMEXT_TSX: node-pg-migrate lists every file of its folder but dot
    files (salsita/node-pg-migrate src/migration.ts getMigrationFilePaths), loads the ones whose
    lower-cased extension is .sql as SQL and any other through jiti (src/migrationLoader.ts). The
    .SQL file is read as SQL (its DROP found); the .tsx and .txt ones, which pgfence does not read,
    are unknown at line 1."""
    base = {"package.json": '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"^9","pg":"^8"}}\n',
            "migrations/1700000000000_init.sql":
                "-- Up Migration\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n-- Down Migration\nDROP TABLE users;\n"}
    js = "exports.up = (pgm) => { pgm.sql('DROP TABLE users'); };\nexports.down = false;\n"
    gated(s, base, {"migrations/1700000000001_cleanup.SQL": "-- Up Migration\nDROP TABLE users;\n-- Down Migration\n",
                    "migrations/1700000000002_cleanup.tsx": js, "migrations/1700000000003_cleanup.txt": js},
          {("migrations/1700000000001_cleanup.SQL", "drop-table", 2),
           ("migrations/1700000000002_cleanup.tsx", "unknown-statement", 1),
           ("migrations/1700000000003_cleanup.txt", "unknown-statement", 1)})


DBM_INIT = ("'use strict';\nexports.up = function (db) { return db.runSql(\"CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, "
            "email text NOT NULL); CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric)\"); };\n"
            "exports.down = function (db) { return null; };\n")
DBM_BASE = {"database.json": '{"dev":{"driver":"pg","host":"127.0.0.1","database":{"ENV":"PGDATABASE"}}}\n',
            "migrations/20240101000000-init.js": DBM_INIT,
            "package.json": '{"name":"app","scripts":{"migrate":"db-migrate up"},"dependencies":{"db-migrate":"^0.11","db-migrate-pg":"^1"}}\n'}


def db_migrate_rc_dir(s):
    """Red team G1, DBMRCDIR: db-migrate merges rc('db-migrate') (.db-migraterc, JSON or INI) over its
    command line (db-migrate/node-db-migrate lib/commands/set-default-argv.js). The pull request adds
    a .db-migraterc whose migrations-dir names db/changes, with a migration that drops users there:
    the changed setting is HIGH and the DROP is found."""
    cleanup = "'use strict';\nexports.up = function (db) { return db.runSql('DROP TABLE users'); };\nexports.down = function (db) { return null; };\n"
    gated(s, DBM_BASE, {".db-migraterc": '{ "migrations-dir": "db/changes" }\n', "db/changes/20240101000000-init.js": DBM_INIT,
                        "db/changes/20240102000000-cleanup.js": cleanup},
          {("db/changes/20240102000000-cleanup.js", "drop-table", 2), (".db-migraterc", "migration-tool-settings-changed", 1)},
          analyze=False)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(("db/changes/20240102000000-cleanup.js", "drop-table", 2) in analyze_findings(s), "analyze follows .db-migraterc's migrations-dir")


def db_migrate_rc_table(s):
    """Red team G1, DBMRCTABLE: a .db-migraterc naming another `table` makes db-migrate run every
    merged migration again (its TRUNCATE orders among them): the setting is a HIGH finding in pr."""
    base = dict(DBM_BASE)
    base["migrations/20240101000001-reset.js"] = ("'use strict';\nexports.up = function (db) { return db.runSql('TRUNCATE orders'); };\n"
                                                  "exports.down = function (db) { return null; };\n")
    gated(s, base, {".db-migraterc": '{\n  "table": "migrations_v2"\n}\n'},
          {(".db-migraterc", "migration-tool-settings-changed", 2)}, analyze=False)


FOREIGN_BASE = {
    "src/main/resources/application.properties": "spring.liquibase.change-log=classpath:db/changelog/master.yaml\n",
    "src/main/resources/db/changelog/master.yaml":
        "databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql:\n            sql: SELECT 1\n",
    "sqitch.conf": "[core]\n\tengine = pg\n", "sqitch.plan": "%syntax-version=1.0.0\n%project=app\n\ninit 2024-01-01T00:00:00Z A <a@x> # init\n",
    "deploy/init.sql": "SELECT 1;\n",
    "atlas.hcl": 'env "prod" {\n  migration {\n    dir = "file://schema"\n  }\n}\n',
    "alembic.ini": "[alembic]\nscript_location = alembic\n",
    "Gemfile": "gem 'rails', '~> 7.1'\n",
}
FOREIGN_HEAD = {
    # Liquibase YAML: the new changeSet at line 8.
    "src/main/resources/db/changelog/master.yaml":
        FOREIGN_BASE["src/main/resources/db/changelog/master.yaml"] +
        "  - changeSet:\n      id: 2\n      author: a\n      changes:\n        - dropTable:\n            tableName: users\n",
    "src/main/resources/db/changelog/changes/002-cleanup.sql": "--liquibase formatted sql\n--changeset a:2\nDROP TABLE users;\n",
    "sqitch.plan": FOREIGN_BASE["sqitch.plan"] + "cleanup 2024-01-02T00:00:00Z A <a@x> # cleanup\n",
    "deploy/cleanup.sql": "BEGIN;\nDROP TABLE users;\nCOMMIT;\n",
    "schema/20240102000000_cleanup.sql": "DROP TABLE users;\n",
    "pgroll/02_cleanup.json": '{"name":"02_cleanup","operations":[{"drop_table":{"name":"users"}}]}\n',
    "db/migrate/20240102000000_cleanup.rb": "class Cleanup < ActiveRecord::Migration[7.1]\n  def up\n    execute 'DROP TABLE users'\n  end\nend\n",
    "alembic/versions/b2_cleanup.py": "revision = 'b2'\ndown_revision = 'a1'\nfrom alembic import op\ndef upgrade():\n    op.drop_table('users')\n",
    "shop/migrations/0002_cleanup.py": "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                                       "    operations = [migrations.RunSQL('DROP TABLE users')]\n",
}


def foreign_tools(s):
    """Red team G1, LIQUI LIQUISQL SQITCH ATLAS PGROLL RAILSRB ALEMBIC and Django: migrations of tools
    pgfence does not read, each recognised by the tool's own conventions, are unknown statements
    (at the new changeSet, the --changeset, line 1 of a deploy script or Atlas file, the
    operations, the ActiveRecord::Migration class, upgrade(), the Migration class), never "0 files"."""
    gated(s, FOREIGN_BASE, FOREIGN_HEAD, {
        ("src/main/resources/db/changelog/master.yaml", "unknown-statement", 2),
        ("src/main/resources/db/changelog/changes/002-cleanup.sql", "unknown-statement", 2),
        ("deploy/cleanup.sql", "unknown-statement", 1),
        ("schema/20240102000000_cleanup.sql", "unknown-statement", 1),
        ("pgroll/02_cleanup.json", "unknown-statement", 1),
        ("db/migrate/20240102000000_cleanup.rb", "unknown-statement", 1),
        ("alembic/versions/b2_cleanup.py", "unknown-statement", 4),
        ("shop/migrations/0002_cleanup.py", "unknown-statement", 3),
    }, analyze=False)


def foreign_control(s):
    """Files of the same kinds that are no tool's migrations (a workflow, a tsconfig.json, a Python
    script, a Ruby file, a SQL file outside every tool's folder with no sqitch.plan naming it) leave
    the pull request passing."""
    repository(s, {"README.md": "app\n"}, {
        ".github/workflows/ci.yml": WORKFLOW, "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
        "scripts/report.py": "revision = 3\nprint(revision)\n", "lib/util.rb": "class Util\nend\n",
        "deploy/notes.sql": "SELECT 1;\n", "docs/ops.yaml": "operations:\n  - restart\n"})
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(check_run(s).get("conclusion") == "success", f"check run: {check_run(s).get('conclusion')}")
    s.all_requests_valid()


TY_INIT = ('import { MigrationInterface, QueryRunner } from "typeorm";\nexport class Init1700000000000 implements MigrationInterface {\n'
           '  async up(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(`CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY)`); }\n'
           '  async down(): Promise<void> {}\n}\n')
USER_BASE = ('import { Entity, PrimaryGeneratedColumn, Column } from "typeorm";\n@Entity("users")\nexport class User {\n'
             '  @PrimaryGeneratedColumn() id: number;\n  @Column("text") email: string;\n  @Column("text", { nullable: true }) name: string;\n}\n')
USER_HEAD = USER_BASE.replace('  @Column("text") email: string;\n', '')


def typeorm_base(synchronize):
    return {"src/migrations/1700000000000-Init.ts": TY_INIT, "src/entity/User.ts": USER_BASE,
            "src/data-source.ts": 'import { DataSource } from "typeorm";\nimport { User } from "./entity/User";\n'
                                  'export default new DataSource({\n  type: "postgres",\n  url: process.env.DATABASE_URL,\n  entities: [User],\n'
                                  f'  synchronize: {synchronize},\n}});\n',
            "package.json": '{"name":"app","scripts":{"start":"node dist/main.js"},"dependencies":{"typeorm":"^0.3","pg":"^8"}}\n'}


def typeorm_entity_sync(s):
    """Red team G1, TYENTITY: the base's DataSource has synchronize: true, so TypeORM alters the
    schema to match the entities at every start (typeorm src/data-source/DataSource.ts initialize);
    the pull request removes a @Column and real TypeORM drops users.email. The entity is unknown
    at its @Entity in pr, and analyze reports the setting."""
    gated(s, typeorm_base("true"), {"src/entity/User.ts": USER_HEAD}, {("src/entity/User.ts", "unknown-statement", 2)}, analyze=False)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(("src/data-source.ts", "unknown-statement", 7) in analyze_findings(s), "analyze reports synchronize: true at its line")


def sequelize_sync(s):
    """Red team G1, SEQSYNC: sequelize.sync({ alter: true }) at start removes the columns a model no
    longer has (sequelize src/model.js Model.sync); the pull request drops email from the model."""
    model = ("const { DataTypes } = require('sequelize');\nmodule.exports = (sequelize) => sequelize.define('User', "
             "{ email: { type: DataTypes.TEXT, allowNull: false }, name: DataTypes.TEXT }, { tableName: 'users' });\n")
    base = {"src/models/user.js": model,
            "src/index.js": "const { Sequelize } = require('sequelize');\nconst sequelize = new Sequelize(process.env.DATABASE_URL);\n"
                            "require('./models/user')(sequelize);\nsequelize.sync({ alter: true }).then(() => require('./server'));\n",
            "package.json": '{"name":"app","scripts":{"start":"node src/index.js"},"dependencies":{"sequelize":"^6","pg":"^8"}}\n'}
    gated(s, base, {"src/models/user.js": model.replace("email: { type: DataTypes.TEXT, allowNull: false }, ", "")},
          {("src/models/user.js", "unknown-statement", 2)}, analyze=False)
    check(("src/index.js", "unknown-statement", 4) in analyze_findings(s), "analyze reports sync({ alter: true }) at its line")


def sync_control(s):
    """synchronize: false: the entity change runs nothing by itself, and pr passes."""
    repository(s, typeorm_base("false"), {"src/entity/User.ts": USER_HEAD})
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(check_run(s).get("conclusion") == "success", f"check run: {check_run(s).get('conclusion')}")
    s.all_requests_valid()


def psql_file(s):
    """Red team G1, PSQLCI: the deploy workflow runs `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f
    db/post_deploy.sql` (psql's -f, postgres src/bin/psql/startup.c); the pull request adds a DELETE
    and a DROP TABLE to that file, which no migration glob selects: it is analysed as SQL."""
    workflow = WORKFLOW.replace("      - run: npm run migrate\n", "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/post_deploy.sql\n")
    base = {".github/workflows/deploy.yml": workflow, "migrations/001_init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY);\n",
            "db/post_deploy.sql": "ANALYZE users;\n"}
    gated(s, base, {"db/post_deploy.sql": "ANALYZE users;\nDELETE FROM users;\nDROP TABLE users;\n"},
          {("db/post_deploy.sql", "delete-without-where", 2), ("db/post_deploy.sql", "drop-table", 3)})


def psql_variables(s):
    """Red team R68 B24: psql interpolates `:name` outside quotes and comments in the SQL it sends
    (postgres src/bin/psql/psqlscan.l), where libpg_query reads a column of an array slice: psql
    sets LAST_ERROR_MESSAGE to the last error's text, which the file's own RAISE chooses, and (no
    ON_ERROR_STOP) goes on. The `:LAST_ERROR_MESSAGE` is an unknown statement at its line; the
    `:LIMIT_N` the command line sets to a constant (-v LIMIT_N=3) is not, nor are a cast, a string,
    a dollar quote and a comment."""
    workflow = WORKFLOW.replace("      - run: npm run migrate\n", "      - run: psql \"$DATABASE_URL\" -v LIMIT_N=3 -f db/post_deploy.sql\n")
    base = {".github/workflows/deploy.yml": workflow, "migrations/001_init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY);\n",
            "db/post_deploy.sql": "ANALYZE users;\n"}
    head = ("DO $$ BEGIN RAISE EXCEPTION '1]; DROP TABLE users; SELECT (ARRAY[1])[1'; END $$;\n"
            "SELECT (ARRAY[1,2,3])[1:LAST_ERROR_MESSAGE] FROM (SELECT 2 AS last_error_message) s;\n"
            "SELECT (ARRAY[1,2,3])[1:LIMIT_N] FROM (SELECT 2 AS limit_n) s;\n"
            "SELECT 1::int, ':a', \":b\", $q$ :c $q$, (ARRAY[1,2])[1:2]; -- :d\n")
    gated(s, base, {"db/post_deploy.sql": head}, {("db/post_deploy.sql", "unknown-statement", 2)})
    found = pr_findings(s) | analyze_findings(s)
    for line in (1, 3, 4):
        check(("db/post_deploy.sql", "unknown-statement", line) not in found, f"line {line} is not unknown: {sorted(found)}")


def psql_variables_loop(s):
    """psql_variables through a loop the deploy runs over a folder (`for f in db/patches/*.sql; do
    psql -f "$f"; done`): the file the pull request adds there is run by psql as well, so its
    `:LAST_ERROR_MESSAGE` is unknown at its line, as for a file named on psql's command line."""
    workflow = WORKFLOW.replace("      - run: npm run migrate\n",
                                "      - run: for f in db/patches/*.sql; do psql \"$DATABASE_URL\" -f \"$f\"; done\n")
    base = {".github/workflows/deploy.yml": workflow, "migrations/001_init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY);\n",
            "db/patches/000_analyze.sql": "ANALYZE users;\n"}
    head = ("DO $$ BEGIN RAISE EXCEPTION '1]; DROP TABLE users; SELECT (ARRAY[1])[1'; END $$;\n"
            "SELECT (ARRAY[1,2,3])[1:LAST_ERROR_MESSAGE] FROM (SELECT 2 AS last_error_message) s;\n")
    gated(s, base, {"db/patches/001_fix.sql": head}, {("db/patches/001_fix.sql", "unknown-statement", 2)}, analyze=False)


def typeorm_env(s):
    """Red team G1, TYORMENV: TypeORM 0.2 reads TYPEORM_MIGRATIONS (comma-separated globs) from
    ormconfig.env (typeorm src/connection/options-reader/ConnectionOptionsEnvReader.ts); the pull
    request moves it to db/changes/*.js, whose new migration drops users. analyze of the checkout
    follows it as pr does."""
    init = ("module.exports = class Init1700000000000 {\n  async up(queryRunner) { await queryRunner.query(`CREATE TABLE IF NOT EXISTS "
            "users (id bigserial PRIMARY KEY)`); }\n  async down() {}\n};\n")
    cleanup = ("module.exports = class Cleanup1700000000001 {\n  async up(queryRunner) { await queryRunner.query(`DROP TABLE users`); }\n"
               "  async down() {}\n};\n")
    env = "TYPEORM_CONNECTION=postgres\nTYPEORM_URL=postgres://app@db/app\nTYPEORM_MIGRATIONS={}\n"
    base = {"ormconfig.env": env.format("migrations/*.js"), "migrations/1700000000000-Init.js": init,
            "package.json": '{"name":"app","scripts":{"migrate":"typeorm migration:run"},"dependencies":{"typeorm":"^0.2.45","pg":"^8"}}\n'}
    gated(s, base, {"ormconfig.env": env.format("db/changes/*.js"), "db/changes/1700000000000-Init.js": init,
                    "db/changes/1700000000001-Cleanup.js": cleanup},
          {("db/changes/1700000000001-Cleanup.js", "drop-table", 2), ("ormconfig.env", "migration-tool-settings-changed", 3)},
          analyze=False)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(("db/changes/1700000000001-Cleanup.js", "drop-table", 2) in analyze_findings(s), "analyze follows TYPEORM_MIGRATIONS")


SCENARIOS = {f.__name__: f for f in (knex_seed, sequelize_seed, node_pg_migrate_names, db_migrate_rc_dir, db_migrate_rc_table,
                                     foreign_tools, foreign_control, typeorm_entity_sync, sequelize_sync, sync_control, psql_file,
                                     psql_variables, psql_variables_loop, typeorm_env)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
