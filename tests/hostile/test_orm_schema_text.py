"""Text an ORM's schema builder splices into its SQL as written, and TypeORM Table parts (red team
R87 F7, F9):

- F7: knex's table comment (not escaped: lib/dialects/postgres/schema/pg-tablecompiler.js
  comment()), its column comment (only a lone quote doubled: pg-columncompiler.js
  `commentEscapeRegex`), specificType and enum values (as written); Sequelize's string types
  (query-generator.js attributeToSQL()); node-pg-migrate's pgm.func(); TypeORM's column default
  (PostgresQueryRunner buildCreateColumnSql()). Each ORM sends the text in one query, which
  PostgreSQL runs statement by statement: the `DROP TABLE` after the `;` runs. pgfence renders the
  text as the ORM does and splits the rendered SQL into its statements.
- TypeORM writes a name as `"${name}"` without doubling a double quote in it (escapePath()): a name
  holding one is unknown.
- F9: TypeORM's `new Table({ checks, exclusions, uniques, indices })` is rendered as createTableSql()
  and createIndexSql() write it: a CHECK's function runs on every INSERT.

Controls: an ordinary comment, type, enum, default, check, unique and index pass the gate.

    test_orm_schema_text.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402
from test_orm_splices import KNEX_PROJECT, SEQUELIZE_PROJECT, passing_pull_request, statements  # noqa: E402

TYPEORM_PROJECT = {"package.json": '{"dependencies": {"typeorm": "0.3.20", "pg": "8.11.0"}}\n'}
NPGM_PROJECT = {"package.json": '{"dependencies": {"node-pg-migrate": "7.9.1", "pg": "8.11.0"}, '
                                '"scripts": {"migrate": "node-pg-migrate up"}}\n'}

# knex 3.3.0 sends (toSQL() of each, /tmp/r87 F7): `comment on table "audit" is 'audit trail'; DROP
# TABLE users; --'`, `comment on column "notes"."id" is 'who'''; DROP TABLE orders; --'`,
# `create table "stamps" ("at" timestamptz); DROP TABLE carts; --)`, `create table "states"
# ("state" text check ("state" in ('new', 'old'))); DROP TABLE coupons; --')))`.
KNEX_TEXT = """exports.up = async function (knex) {
  await knex.schema.createTable("audit", (t) => { t.increments("id"); t.comment("audit trail'; DROP TABLE users; --"); }); // expect: drop-table
  await knex.schema.createTable("notes", (t) => { t.increments("id").comment("who'''; DROP TABLE orders; --"); }); // expect: drop-table
  await knex.schema.createTable("stamps", (t) => { t.specificType("at", "timestamptz); DROP TABLE carts; --"); }); // expect: drop-table
  await knex.schema.createTable("states", (t) => { t.enu("state", ["new", "old'))); DROP TABLE coupons; --"]); }); // expect: drop-table
};
exports.down = async function () {};
"""

KNEX_PLAIN = """exports.up = async function (knex) {
  await knex.schema.createTable("audit", (t) => {
    t.increments("id").comment("the row's id; never reused");
    t.specificType("at", "timestamptz");
    t.enu("state", ["new", "old"]);
    t.text("note").comment("it''s a note");
    t.comment("audit trail; one row per change");
  });
};
exports.down = async function () {};
"""


def text_knex(s):
    path = "migrations/20240501000000_audit.js"
    report = gate_pull_request(s, path, KNEX_TEXT, KNEX_PROJECT, unknown=False)
    sql = [st.get("sql", "") for st in statements(report, path)]
    for table in ("users", "orders", "carts", "coupons"):
        check(any(q.strip() == "DROP TABLE " + table for q in sql), f"the DROP TABLE {table} after the `;` is a statement: {sql}")


def plain_knex(s):
    path = "migrations/20240501000000_audit.js"
    report = passing_pull_request(s, path, KNEX_PLAIN, KNEX_PROJECT)
    sql = [st.get("sql", "") for st in statements(report, path)]
    # knex doubles a lone quote and leaves a doubled one as it is; the table comment is as written.
    check(any(q == "comment on column \"audit\".\"id\" is 'the row''s id; never reused'" for q in sql), f"column comment: {sql}")
    check(any(q == "comment on column \"audit\".\"note\" is 'it''s a note'" for q in sql), f"column comment: {sql}")
    check(any(q == "comment on table \"audit\" is 'audit trail; one row per change'" for q in sql), f"table comment: {sql}")
    check(any("\"state\" text check (\"state\" in ('new', 'old'))" in q for q in sql), f"enum: {sql}")


# sequelize 6.37 sends `ALTER TABLE "public"."users" ADD COLUMN "nick" TEXT; DROP TABLE users;`.
SEQUELIZE_TEXT = """module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn("users", "nick", { type: "TEXT; DROP TABLE users" }); // expect: drop-table
  },
  async down() {},
};
"""

SEQUELIZE_PLAIN = """module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("nicks", { id: { type: "BIGINT", primaryKey: true }, nick: { type: "TEXT" } });
  },
  async down() {},
};
"""


def text_sequelize(s):
    gate_pull_request(s, "migrations/20240501000000-nick.js", SEQUELIZE_TEXT, SEQUELIZE_PROJECT, unknown=False)


def plain_sequelize(s):
    passing_pull_request(s, "migrations/20240501000000-nicks.js", SEQUELIZE_PLAIN, SEQUELIZE_PROJECT)


# node-pg-migrate 7.9 sends `ALTER TABLE "users" ADD "nick" text DEFAULT 'x'; DROP TABLE users;`.
NPGM_TEXT = """exports.up = (pgm) => {
  pgm.addColumns("users", { nick: { type: "text", default: pgm.func("'x'; DROP TABLE users") } }); // expect: drop-table
};
"""

NPGM_PLAIN = """exports.up = (pgm) => {
  pgm.createTable("nicks", { id: { type: "serial", primaryKey: true }, at: { type: "timestamptz", default: pgm.func("current_timestamp") } });
};
"""


def text_npgm(s):
    gate_pull_request(s, "migrations/1700000000001_nick.js", NPGM_TEXT, NPGM_PROJECT, unknown=False)


def plain_npgm(s):
    passing_pull_request(s, "migrations/1700000000001_nicks.js", NPGM_PLAIN, NPGM_PROJECT)


# typeorm 0.3.31 logs `ALTER TABLE "users" ADD "nick" text DEFAULT 'x'; DROP TABLE users`, and the
# CREATE TABLE with `CONSTRAINT "CHK_..." CHECK (audit_ok(id))`, whose function the INSERT runs.
TYPEORM_TEXT = """const { Table, TableColumn } = require("typeorm");
module.exports = class Nick1700000000001 {
  async up(queryRunner) {
    await queryRunner.addColumn("users", new TableColumn({ name: "nick", type: "text", isNullable: true, default: "'x'; DROP TABLE users" })); // expect: drop-table
    await queryRunner.createTable(new Table({ name: "marks", columns: [{ name: "id", type: "int" }], indices: [{ columnNames: ["id"], where: "id > 0; DROP TABLE orders" }] })); // expect: drop-table
  }
  async down() {}
};
"""

TYPEORM_CHECK = """const { Table } = require("typeorm");
module.exports = class Audit1700000000001 {
  async up(queryRunner) {
    await queryRunner.query(`CREATE FUNCTION audit_ok(int) RETURNS boolean LANGUAGE sql AS $$ DELETE FROM users RETURNING true $$`);
    await queryRunner.createTable(new Table({ name: "audit", columns: [{ name: "id", type: "int" }], checks: [{ expression: "audit_ok(id)" }] }));
    await queryRunner.query(`INSERT INTO audit VALUES (1)`); // expect: delete-without-where
  }
  async down() {}
};
"""

TYPEORM_UNREAD = """const { Table, TableColumn } = require("typeorm");
const { expr } = require("./shared");
module.exports = class Audit1700000000001 {
  async up(queryRunner) {
    await queryRunner.createTable(new Table({ name: "audit", columns: [{ name: "id", type: "int" }], checks: [{ expression: expr }] })); // expect: unknown-statement
    await queryRunner.createTable(new Table({ name: "marks", columns: [{ name: "id", type: "int" }], exclusions: exclusionsOf("marks") })); // expect: unknown-statement
    await queryRunner.createTable(new Table({ name: "gens", columns: [{ name: "id", type: "int", generatedType: "STORED", asExpression: expr }] })); // expect: unknown-statement
    await queryRunner.addColumn("users", new TableColumn({ name: 'x" text; DROP TABLE users; --', type: "text" })); // expect: unknown-statement
    await queryRunner.addColumn("users", new TableColumn({ name: "c", type: "numeric", precision: "10); DROP TABLE users; --" })); // expect: unknown-statement
  }
  async down() {}
};
"""

TYPEORM_PLAIN = """const { Table, TableColumn } = require("typeorm");
module.exports = class Audit1700000000001 {
  async up(queryRunner) {
    await queryRunner.createTable(new Table({
      name: "audit",
      columns: [{ name: "id", type: "int" }, { name: "twice", type: "int", generatedType: "STORED", asExpression: "id * 2" }],
      uniques: [{ name: "UQ_audit_id", columnNames: ["id"] }],
      checks: [{ name: "CHK_audit_id", expression: "id > 0" }],
      exclusions: [{ expression: "USING gist (id WITH =)" }],
      indices: [{ name: "IDX_audit_twice", columnNames: ["twice"], where: "twice > 0" }],
    }));
  }
  async down() {}
};
"""


def text_typeorm(s):
    gate_pull_request(s, "migrations/1700000000001-Nick.js", TYPEORM_TEXT, TYPEORM_PROJECT, unknown=False)


def check_typeorm(s):
    path = "migrations/1700000000001-Audit.js"
    report = gate_pull_request(s, path, TYPEORM_CHECK, TYPEORM_PROJECT, unknown=False)
    sql = [st.get("sql", "") for st in statements(report, path)]
    check(any("CHECK (audit_ok(id))" in q for q in sql), f"the CHECK is in the CREATE TABLE: {sql}")


def unread_typeorm(s):
    gate_pull_request(s, "migrations/1700000000001-Audit.js", TYPEORM_UNREAD, TYPEORM_PROJECT)


def plain_typeorm(s):
    path = "migrations/1700000000001-Audit.js"
    report = passing_pull_request(s, path, TYPEORM_PLAIN, TYPEORM_PROJECT)
    sql = [st.get("sql", "") for st in statements(report, path)]
    check(any('CONSTRAINT "CHK_audit_id" CHECK (id > 0)' in q and 'EXCLUDE USING gist (id WITH =)' in q
              and 'GENERATED ALWAYS AS (id * 2) STORED' in q and 'CONSTRAINT "UQ_audit_id" UNIQUE ("id")' in q for q in sql),
          f"the checks, exclusions, uniques and generated column are rendered: {sql}")
    check(any(q.startswith('CREATE INDEX "IDX_audit_twice" ON "audit"') and q.endswith("WHERE twice > 0") for q in sql),
          f"the index is a statement of its own: {sql}")


if __name__ == "__main__":
    sys.exit(main({
        "text_knex": text_knex, "plain_knex": plain_knex,
        "text_sequelize": text_sequelize, "plain_sequelize": plain_sequelize,
        "text_npgm": text_npgm, "plain_npgm": plain_npgm,
        "text_typeorm": text_typeorm, "check_typeorm": check_typeorm, "unread_typeorm": unread_typeorm,
        "plain_typeorm": plain_typeorm,
    }))
