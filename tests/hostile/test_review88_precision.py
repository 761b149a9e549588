"""False and mis-levelled findings of stranger review 88 (issue #53: unknown is never clean, but no
false findings on ordinary projects), each with a control that keeps the true finding.

- Dialect branches through a local name (chartbrew): `const dialect = queryInterface.sequelize.getDialect()`,
  then `if (dialect === "mysql") { MySQL SQL }`: the branch is another database's (an unknown at its
  line, as for the chain written out), not an unparsable HIGH with exit 2; the else of
  `dialect === "postgres"` is not read as PostgreSQL's either. A name assigned again is not trusted.
- History taint (chartbrew): one unparsable earlier statement (a MySQL `ALTER TABLE chart MODIFY`)
  made every later `CREATE TABLE IF NOT EXISTS` (Sequelize always writes it) of a table no migration
  made "maybe existing", so its indexes were HIGH. Only a statement that names the table, calls a
  function (or a CALL the repository does not hold) taints it now.
- Test fixtures: fider's app/pkg/dbx/testdata (a broken migration for its runner's test: exit 2),
  automatisch's `createConnection({...})` in a `*.test.js`, chartbrew's `sequelize.sync({ force: true })`
  in its tests: neither migrations nor tool settings, unless the project's own code names them.
- A primary key's index or constraint renamed: MEDIUM rename-constraint (fider, automatisch); a
  UNIQUE constraint's stays HIGH.

    test_review88_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

SEQUELIZE = {"package.json": '{"name": "server", "dependencies": {"sequelize": "^6.37.0", "sequelize-cli": "^6.6.0", "pg": "^8.11.0"}}\n',
             ".sequelizerc": "const path = require('path')\nmodule.exports = {\n"
                             "  'migrations-path': path.resolve('models', 'migrations')\n}\n"}
MIG = "models/migrations/"


def run(s):
    """analyze over the tree as a user runs it: (exit code, stderr, findings, paths analysed)."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", "--jobs", "1", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=180)
    try:
        files = json.loads(proc.stdout)["files"]
    except (ValueError, KeyError):
        check(False, f"no JSON (exit {proc.returncode}): {proc.stderr[-2000:]}")
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "risk": f["risk"],
              "message": f["message"]} for file in files for f in file["findings"]]
    return proc.returncode, proc.stderr, found, {os.path.normpath(f["path"]) for f in files}


def at(found, rule, path, line, risk=None):
    return any(f["rule"] == rule and f["path"] == path and f["line"] == line and (risk is None or f["risk"] == risk) for f in found)


def of(found, path):
    return [(f["line"], f["rule"], f["risk"]) for f in found if f["path"] == path]


# ---- 1. Dialect branches through a local name (chartbrew 20231123085358, 20231010071728) ----

DIALECT = MIG + "20231123085358-change-dataset-chart-id-allow-null.js"
DIALECT_TEXT = """const Sequelize = require("sequelize");

module.exports = {
  async up(queryInterface) {
    const dialect = queryInterface.sequelize.getDialect();

    if (dialect === "mysql") {
      await queryInterface.sequelize.query(`
        ALTER TABLE Dataset MODIFY COLUMN chart_id INTEGER NULL DEFAULT NULL;
      `);
    } else if (dialect === "postgres") {
      await queryInterface.sequelize.query(`
        ALTER TABLE "Dataset" ALTER COLUMN chart_id DROP NOT NULL;
      `);
    }

    if (dialect === "postgres") {
      await queryInterface.sequelize.query(`
        ALTER TABLE "Dataset" DROP CONSTRAINT IF EXISTS "Dataset_chart_id_fkey";
      `);
    } else {
      await queryInterface.changeColumn("Dataset", "chart_id", {
        type: Sequelize.INTEGER,
        allowNull: true,
        references: { model: "Chart", key: "id", onDelete: "SET NULL" }
      });
    }

    if (dialect === "mysql") {
      await queryInterface.sequelize.query(`
        UPDATE TeamRole SET role_backup = role
      `);
    } else if (dialect === "postgres") {
      await queryInterface.sequelize.query(`
        UPDATE "TeamRole" SET "role_backup" = "role"
      `);
    }
  },

  async down(queryInterface) {
    const dialect = queryInterface.sequelize.getDialect();
    if (dialect === "mysql") {
      await queryInterface.sequelize.query(`ALTER TABLE Dataset MODIFY COLUMN chart_id INTEGER NOT NULL`);
    }
  },
};
"""


def dialect_alias(s):
    """The MySQL branches are another database's: no unparsable HIGH (exit 2), no foreign key HIGH
    from the else of `dialect === "postgres"`, no update HIGH from the MySQL UPDATE."""
    pull_request(s, {DIALECT: DIALECT_TEXT}, SEQUELIZE)
    rc, err, found, _ = run(s)
    check(rc != 2, f"no parse error of a MySQL branch (exit {rc}): {of(found, DIALECT)}\n{err[-1500:]}")
    check(not [f for f in found if f["path"] == DIALECT and f["rule"] == "unparsable-statement"], f"{of(found, DIALECT)}")
    check(not at(found, "add-foreign-key-without-not-valid", DIALECT, 22), f"the non-postgres else is not read: {of(found, DIALECT)}")
    check(not at(found, "update-without-where", DIALECT, 31), f"the MySQL UPDATE is not read: {of(found, DIALECT)}")


def dialect_alias_postgres_control(s):
    """The postgres branch is read: its UPDATE without WHERE stays HIGH, and each MySQL branch that may
    run SQL stays one unknown at its line (the assumption a person confirms, as for the chain written out)."""
    pull_request(s, {DIALECT: DIALECT_TEXT}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(at(found, "update-without-where", DIALECT, 35, "HIGH"), f"the postgres UPDATE is read: {of(found, DIALECT)}\n{err[-1500:]}")
    unknown = sorted(f["line"] for f in found if f["path"] == DIALECT and f["rule"] == "unknown-statement")
    check(unknown == [7, 21, 29], f"one unknown per other-database branch of up(): {unknown}")


def dialect_reassigned_control(s):
    """A name assigned again may hold anything: its branches are read (the MySQL statement is unparsable)."""
    text = DIALECT_TEXT.replace("    const dialect = queryInterface.sequelize.getDialect();\n\n",
                                "    let dialect = queryInterface.sequelize.getDialect();\n    dialect = process.argv[2];\n", 1)
    pull_request(s, {DIALECT: text}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(any(f["path"] == DIALECT and f["rule"] == "unparsable-statement" for f in found), f"read: {of(found, DIALECT)}\n{err[-1500:]}")


# ---- 2. History taint (chartbrew 20191217204819-draft-chart.js, then create-aiusage.js) ----

DRAFT = MIG + "20191217204819-draft-chart.js"
DRAFT_TEXT = """const Sequelize = require("sequelize");

module.exports = {
  up: (queryInterface) => {
    return queryInterface.sequelize.transaction((t) => {
      return Promise.all([
        queryInterface.sequelize.query(`
          ALTER TABLE chart MODIFY connection_id INT NULL
        `),
        queryInterface.addColumn("Chart", "draft", {
          type: Sequelize.BOOLEAN,
          defaultValue: false,
        }, { transaction: t }),
      ])
        .catch(() => Promise.resolve("done"));
    });
  },

  down: (queryInterface) => {
    return queryInterface.removeColumn("Chart", "draft");
  },
};
"""
AIUSAGE = MIG + "20251029025301-create-aiusage.js"
AIUSAGE_TEXT = """const Sequelize = require("sequelize");

module.exports = {
  async up(queryInterface) {
    await queryInterface.createTable("AiUsage", {
      id: { type: Sequelize.UUID, primaryKey: true },
      team_id: { type: Sequelize.INTEGER, allowNull: false },
      model: { type: Sequelize.STRING, allowNull: false },
      createdAt: { type: Sequelize.DATE, allowNull: false },
    });
    await queryInterface.addIndex("AiUsage", ["team_id", "createdAt"]);
  },

  async down(queryInterface) {
    await queryInterface.dropTable("AiUsage");
  }
};
"""


def index_highs(found):
    return [f for f in found if f["path"] == AIUSAGE and f["rule"] == "create-index-without-concurrently"]


def history_unparsable(s):
    """An earlier unparsable statement that names another table leaves AiUsage new: no index HIGH."""
    pull_request(s, {DRAFT: DRAFT_TEXT, AIUSAGE: AIUSAGE_TEXT}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(any(f["path"] == DRAFT and f["rule"] == "unparsable-statement" for f in found), f"the MySQL statement: {of(found, DRAFT)}")
    check(not index_highs(found), f"AiUsage is created by its migration: {of(found, AIUSAGE)}\n{err[-1500:]}")


def history_names_table_control(s):
    """An unparsable statement that names the table may have made it: the index is judged as on an existing table."""
    draft = DRAFT_TEXT.replace("ALTER TABLE chart MODIFY connection_id INT NULL", "CREATE TABLE AiUsage (id int) ENGINE=InnoDB")
    pull_request(s, {DRAFT: draft, AIUSAGE: AIUSAGE_TEXT}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(index_highs(found), f"AiUsage may exist: {of(found, AIUSAGE)}\n{err[-1500:]}")


def history_function_control(s):
    """An unparsable statement that calls a function (which may run any SQL) taints every table."""
    draft = DRAFT_TEXT.replace("ALTER TABLE chart MODIFY connection_id INT NULL", "SELECT make_tables() FROM dual LIMIT 1, 2")
    pull_request(s, {DRAFT: draft, AIUSAGE: AIUSAGE_TEXT}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(index_highs(found), f"a function may have made AiUsage: {of(found, AIUSAGE)}\n{err[-1500:]}")


def history_call_control(s):
    """A CALL of a procedure the repository does not hold, earlier in the set, may have made AiUsage."""
    draft = ("module.exports = {\n  up: async (queryInterface) => {\n    await queryInterface.sequelize.query('CALL make_tables()');\n"
             "  },\n  down: async () => {},\n};\n")
    pull_request(s, {DRAFT: draft, AIUSAGE: AIUSAGE_TEXT}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(index_highs(found), f"the procedure may have made AiUsage: {of(found, AIUSAGE)}\n{err[-1500:]}")


# ---- 3. Test fixtures and tests ----

GO = {"go.mod": "module github.com/getfider/fider\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n",
      "migrations/201701010000_init.sql": "CREATE TABLE tenants (id serial PRIMARY KEY, name text);\n",
      "app/pkg/dbx/migrate.go": "package dbx\n\nimport \"os\"\n\nfunc Migrate(path string) error {\n\t_, err := os.ReadDir(path)\n\treturn err\n}\n",
      "app/pkg/dbx/migrate_test.go": "package dbx\n\nimport \"testing\"\n\nfunc TestMigrate(t *testing.T) {\n"
                                     "\t_ = Migrate(\"./testdata/migration_failure\")\n}\n"}
FIXTURE = "app/pkg/dbx/testdata/migration_failure/210001010000_create_err.sql"


def go_testdata(s):
    """fider's runner test fixture, a deliberately broken CREATE: not a migration (no exit 2)."""
    pull_request(s, {FIXTURE: "create table foo (\n"}, GO)
    rc, err, found, paths = run(s)
    check(FIXTURE not in paths and rc != 2, f"left out (exit {rc}): {of(found, FIXTURE)}\n{err[-1500:]}")


def go_testdata_named_control(s):
    """A testdata folder its package's own code reads is read."""
    base = dict(GO)
    base["app/pkg/dbx/migrate.go"] = base["app/pkg/dbx/migrate.go"].replace("return err\n", "_ = Migrate(\"testdata/migration_failure\")\n\treturn err\n")
    pull_request(s, {FIXTURE: "create table foo (\n"}, base)
    _, err, found, paths = run(s)
    check(FIXTURE in paths and any(f["path"] == FIXTURE and f["rule"] == "unparsable-statement" for f in found),
          f"read: {of(found, FIXTURE)}\n{err[-1500:]}")


KNEX = {"package.json": '{"name": "backend", "type": "module", "dependencies": {"knex": "^2.5.1", "pg": "^8.11.0"}}\n',
        "knexfile.js": "module.exports = {\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n"
                       "  migrations: { directory: './src/db/migrations' },\n};\n",
        "src/db/migrations/20230101000000_init.js": "exports.up = (knex) => knex.schema.createTable('flows', (t) => { t.increments(); });\n"
                                                     "exports.down = (knex) => knex.schema.dropTable('flows');\n"}
CONNECTION_TEST = """import { describe, it, expect } from 'vitest';
import createConnection from '@/mocks/rest/internal/api/v1/apps/create-connection.js';
import { findConnection } from '@/helpers/connections.js';

describe('POST /api/v1/apps/:appKey/connections', () => {
  it('creates a connection', async () => {
    const fetchedConnection = await findConnection('gitlab');
    const expectedPayload = createConnection({
      ...fetchedConnection,
      formattedData: {},
    });
    expect(expectedPayload.key).toBe('gitlab');
  });
});
"""
CONNECTION_TEST_PATH = "src/controllers/api/v1/apps/create-connection.test.js"


def test_create_connection(s):
    """automatisch: a test's `createConnection({...})` factory is no TypeORM settings."""
    pull_request(s, {CONNECTION_TEST_PATH: CONNECTION_TEST}, KNEX)
    _, err, found, _ = run(s)
    check(not [f for f in found if f["path"] == CONNECTION_TEST_PATH], f"{of(found, CONNECTION_TEST_PATH)}\n{err[-1500:]}")


def test_create_connection_control(s):
    """The same call in an application file stays an unknown at its line."""
    path = "src/db/connection.js"
    pull_request(s, {path: CONNECTION_TEST}, KNEX)
    _, err, found, _ = run(s)
    check(any(f["path"] == path and f["rule"] == "unknown-statement" and f["line"] == 9 for f in found), f"{of(found, path)}\n{err[-1500:]}")


SYNC_TEST = """const { beforeAll, describe, it } = require('vitest');
const db = require('../../models/models');

describe('update runs', () => {
  beforeAll(async () => {
    await db.sequelize.sync({ force: true });
  });
  it('works', () => {});
});
"""


def test_sequelize_sync(s):
    """chartbrew: `sequelize.sync({ force: true })` in a test resets the test database, not production's."""
    path = "tests/integration/updateRunRoute.test.js"
    pull_request(s, {path: SYNC_TEST}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(not [f for f in found if f["path"] == path], f"{of(found, path)}\n{err[-1500:]}")


def test_sequelize_sync_control(s):
    """The same call where the application starts stays an unknown at its line."""
    path = "startup/sync.js"
    pull_request(s, {path: SYNC_TEST}, SEQUELIZE)
    _, err, found, _ = run(s)
    check(any(f["path"] == path and f["rule"] == "unknown-statement" and f["line"] == 6 for f in found), f"{of(found, path)}\n{err[-1500:]}")


# ---- 4. A primary key's index renamed (fider 201808152020_rename_idea_post.sql) ----

INIT = ("CREATE TABLE ideas (id serial PRIMARY KEY, slug text, tenant_id int, UNIQUE (tenant_id, slug));\n"
        "CREATE TABLE tags (id serial PRIMARY KEY, name text);\n")
RENAME = "migrations/201808152020_rename_idea_post.sql"
RENAME_TEXT = ("ALTER TABLE ideas RENAME TO posts;\n"
               "ALTER INDEX ideas_pkey RENAME TO posts_pkey;\n"
               "ALTER INDEX ideas_tenant_id_slug_key RENAME TO posts_tenant_id_slug_key;\n"
               "ALTER INDEX votes_pkey RENAME TO ballots_pkey;\n"
               "ALTER TABLE tags RENAME CONSTRAINT tags_pkey TO tags_pk;\n")


def pkey_rename(s):
    """A primary key's index renamed, known or by PostgreSQL's name for one, and its constraint: MEDIUM."""
    pull_request(s, {RENAME: RENAME_TEXT}, {**GO, "migrations/201701010000_init.sql": INIT})
    _, err, found, _ = run(s)
    for line in (2, 4, 5):
        check(at(found, "rename-constraint", RENAME, line, "MEDIUM"), f"line {line} MEDIUM: {of(found, RENAME)}\n{err[-1500:]}")


def unique_rename_control(s):
    """A UNIQUE constraint's index renamed stays HIGH (ON CONFLICT ON CONSTRAINT names such ones)."""
    pull_request(s, {RENAME: RENAME_TEXT}, {**GO, "migrations/201701010000_init.sql": INIT})
    _, err, found, _ = run(s)
    check(at(found, "rename-constraint", RENAME, 3, "HIGH"), f"{of(found, RENAME)}\n{err[-1500:]}")


SCENARIOS = {f.__name__: f for f in (dialect_alias, dialect_alias_postgres_control, dialect_reassigned_control,
                                     history_unparsable, history_names_table_control, history_function_control,
                                     history_call_control,
                                     go_testdata, go_testdata_named_control, test_create_connection, test_create_connection_control,
                                     test_sequelize_sync, test_sequelize_sync_control, pkey_rename, unique_rename_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
