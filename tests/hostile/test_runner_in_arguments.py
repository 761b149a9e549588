"""The migration's runner used inside the arguments of a call a handler reads (issue #53, "every use
of the runner object is read or unknown").

A handler reads what it models of a call (the SQL, a knex table callback's column chains, the
bindings knex splices) and pgfence 07666381 walked nothing else in its arguments: a runner call in
a knex table callback (knex calls it when it compiles the builder, knex/lib/schema/tablebuilder.js
toSQL(), so the query runs, racing the statement when not awaited), in a .where(fn), .modify(fn) or
join callback, a raw binding that runs code, knex.transaction's config, a TypeORM `new Table({...})`
or a Sequelize attribute was never reported, and the gate passed on a DROP TABLE. Now the walker
walks every argument the handler did not read: each DROP below is a finding at its line; a
runner use it cannot read stays unknown. The control (defaults, bindings and `.transacting(trx)`
that the handlers read) stays at 0 unknown.

    test_runner_in_arguments.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402
from test_runner_wrapped import KNEX_BASE, KNEX_PATH, SEQUELIZE_BASE, TYPEORM_BASE, knex  # noqa: E402

TYPEORM_PATH = "migrations/1700000000001-Noop.js"
SEQUELIZE_PATH = "migrations/20240101000000-s.js"


def typeorm(body):
    return ('const { Table, TableColumn } = require("typeorm");\n'
            "module.exports = class Noop1700000000001 {\n  async up(queryRunner) {\n" + body +
            "  }\n  async down(queryRunner) {}\n};\n")


def sequelize(body):
    return "module.exports = {\n  async up(qi, Sequelize) {\n" + body + "  },\n  async down() {},\n};\n"


# name: (path, migration, base files, whether the gate's failure comes from an unknown)
CASES = {
    # knex table callbacks: an ordinary function knex calls.
    "create_cb": (KNEX_PATH, knex('  await k.schema.createTable("t", (t) => {\n    t.increments();\n'
                                  '    k.raw("DROP TABLE users").then(() => {}); // expect: drop-table\n  });\n'), KNEX_BASE, False),
    "alter_cb": (KNEX_PATH, knex('  await k.schema.alterTable("u", function (t) {\n    t.string("x");\n'
                                 '    k.schema.dropTable("users"); // expect: drop-table\n  });\n'), KNEX_BASE, False),
    "table_cb": (KNEX_PATH, knex('  await k.schema.table("u", (t) => { t.string("x"); k.schema.dropTable("users").then(); }); // expect: drop-table\n'),
                 KNEX_BASE, False),
    "if_not_exists_cb": (KNEX_PATH, knex('  await k.schema.createTableIfNotExists("t", (t) => {\n'
                                         '    t.increments(); k.raw("DROP TABLE users").then(); // expect: drop-table\n  });\n'),
                         KNEX_BASE, False),
    "with_schema_cb": (KNEX_PATH, knex('  await k.schema.withSchema("s").createTable("t", (t) => {\n'
                                       '    k.schema.dropTable("users").then(); // expect: drop-table\n  });\n'), KNEX_BASE, False),
    "like_cb": (KNEX_PATH, knex('  await k.schema.createTableLike("n", "u", (t) => { // expect: unknown-statement\n'
                                '    k.raw("DROP TABLE users").then(); // expect: drop-table\n  });\n'),
                KNEX_BASE, True),
    "view_cb": (KNEX_PATH, knex('  await k.schema.createView("v", (view) => {\n    view.columns(["id"]);\n'
                                '    k.raw("DROP TABLE users").then(); // expect: drop-table\n  });\n'), KNEX_BASE, True),
    # knex query builders: .where(fn), .modify(fn), a join's on-callback.
    "where_fn": (KNEX_PATH, knex('  await k("a").where(function () {\n    this.where("id", 1);\n'
                                 '    k.schema.dropTable("users").then(); // expect: drop-table\n  }).del();\n'), KNEX_BASE, False),
    "modify_fn": (KNEX_PATH, knex('  await k("a").modify((qb) => {\n'
                                  '    k.raw("DROP TABLE users").then(); // expect: drop-table\n  }).where("id", 1).del();\n'),
                  KNEX_BASE, False),
    "join_on": (KNEX_PATH, knex('  await k("a").join("b", function () {\n    this.on("a.id", "=", "b.id");\n'
                                '    k.raw("DROP TABLE users").then(); // expect: drop-table\n  }).select("a.id");\n'), KNEX_BASE, False),
    # raw bindings that run code.
    "raw_object": (KNEX_PATH, knex('  await k.raw("select :a", {\n'
                                   '    a: (k.raw("DROP TABLE users").then(), 1), // expect: drop-table\n  });\n'), KNEX_BASE, True),
    "raw_array": (KNEX_PATH, knex('  await k.raw("select ?", [\n'
                                  '    (() => { k.schema.dropTable("users").then(); return 1; })(), // expect: drop-table\n  ]);\n'),
                  KNEX_BASE, True),
    # a knex.raw() read as SQL of another statement (a default, a value) still evaluates its bindings.
    "default_bindings": (KNEX_PATH, knex('  await k.schema.createTable("t", (t) => {\n'
                                         '    t.string("s").defaultTo(k.raw("?", [(k.schema.dropTable("users").then(), "x")])); // expect: drop-table\n'
                                         '  });\n'), KNEX_BASE, True),
    "raw_value_bindings": (KNEX_PATH, knex('  const at = k.raw("?", [(k.raw("DROP TABLE users").then(), 1)]); // expect: drop-table\n'
                                           '  await k("t").update({ at });\n'), KNEX_BASE, False),
    # knex.transaction(fn, config): the config is code too.
    "trx_config": (KNEX_PATH, knex('  await k.transaction(async (trx) => { await trx.raw("select 1"); }, {\n'
                                   '    isolationLevel: (k.raw("DROP TABLE users").then(), "serializable"), // expect: drop-table\n'
                                   '  });\n'), KNEX_BASE, False),
    # TypeORM: new Table({...}) and new TableColumn({...}) objects.
    "to_table": (TYPEORM_PATH, typeorm('    await queryRunner.createTable(new Table({\n      name: "t",\n'
                                       '      columns: [{ name: "id", type: "int" }],\n'
                                       '      comment: (queryRunner.query("DROP TABLE users"), "c"), // expect: drop-table\n'
                                       "    }));\n"), TYPEORM_BASE, False),
    "to_column": (TYPEORM_PATH, typeorm('    await queryRunner.addColumn("t", new TableColumn({\n      name: "c", type: "int",\n'
                                        '      get comment() { queryRunner.query("DROP TABLE users"); return "x"; }, // expect: drop-table\n'
                                        "    }));\n"), TYPEORM_BASE, False),
    # Sequelize: createTable's attributes and options.
    "sq_default": (SEQUELIZE_PATH, sequelize('    await qi.createTable("t", {\n      id: { type: Sequelize.INTEGER,\n'
                                             '        defaultValue: (qi.sequelize.query("DROP TABLE users"), 1) }, // expect: drop-table\n'
                                             "    });\n"), SEQUELIZE_BASE, True),
    "sq_options": (SEQUELIZE_PATH, sequelize('    await qi.addColumn("t", "c", Sequelize.INTEGER, {\n'
                                             '      get logging() { qi.dropTable("users"); return false; }, // expect: drop-table\n'
                                             "    });\n"), SEQUELIZE_BASE, False),
}


def case(name):
    def run(s):
        path, text, base, unknown = CASES[name]
        report = gate_pull_request(s, path, text, base, unknown=unknown)
        sql = " ".join(st.get("sql", "") for f in report["files"] for st in f["statements"]).lower()
        check("drop table" in sql and "users" in sql, f"the DROP is read: {sql[:400]}")
    return run


CONTROL = knex(
    '  await k.schema.createTable("t", (t) => {\n    t.increments();\n'
    '    t.timestamp("at").defaultTo(k.fn.now());\n    t.string("s").defaultTo(k.raw("\'x\'"));\n'
    '    t.index(["s"], "t_s_index", { predicate: k.whereNotNull("s") });\n  });\n'
    '  await k("t").whereIn("id", k.select("id").from("t")).del();\n'
    '  await k.raw("select ?", [k.raw("1")]);\n'
    '  await k.transaction(async (trx) => {\n'
    '    await trx.schema.alterTable("t", (t) => { t.string("y"); }).transacting(trx);\n'
    '    await k("t").transacting(trx).where("id", k.raw("1")).update({ at: k.fn.now() });\n  });\n'
    '  await k.raw("DROP TABLE old_a"); // expect: drop-table\n')


def control(s):
    """Defaults, bindings, subqueries, an index predicate and `.transacting(trx)` the handlers read:
    nothing unknown, no statement of their own."""
    report = gate_pull_request(s, KNEX_PATH, CONTROL, KNEX_BASE, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing is unknown: {[f['findings'] for f in report['files']]}")
    sql = [st.get("sql", "").lower() for f in report["files"] for st in f["statements"]]
    check(len(sql) == 7, f"create, index, delete, select, alter, update, drop: {sql}")


# TypeORM's createTable (typeorm/src/driver/postgres/PostgresQueryRunner.ts createTableSql()): of
# a new table only the foreign keys reach tables that exist. A column type from a variable
# (grist-core's sqlUtils `datetime`) was an unknown statement; it is now a note naming the column,
# while a name or a foreign key target pgfence does not read stays unknown.
NEW_TABLE = ('const { Table } = require("typeorm");\n'
             'const datetime = process.env.TYPEORM_CONNECTION === "sqlite" ? "datetime" : "timestamp with time zone";\n'
             "module.exports = class Noop1700000000001 {\n  async up(queryRunner) {\n"
             "    await queryRunner.createTable(new Table({ // expect: foreign-key-without-index\n"
             '      name: NAME,\n      columns: [\n        { name: "id", type: "integer", isPrimary: true },\n'
             '        { name: "created_at", type: datetime },\n        { name: "doc_id", type: "varchar" },\n      ],\n'
             '      foreignKeys: [{ columnNames: ["doc_id"], referencedTableName: TARGET, referencedColumnNames: ["id"] }],\n'
             "    }));\n  }\n  async down(queryRunner) {}\n};\n")


def new_table_typed(s):
    """A column typed by a variable: the CREATE TABLE is read (its foreign key locks docs), the
    column is named in a note, nothing is unknown."""
    text = NEW_TABLE.replace("NAME", '"secrets"').replace("TARGET", '"docs"')
    report = gate_pull_request(s, TYPEORM_PATH, text, TYPEORM_BASE, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing is unknown: {[f['findings'] for f in report['files']]}")
    statements = [st for f in report["files"] for st in f["statements"]]
    check(len(statements) == 1 and statements[0]["sql"].startswith('CREATE TABLE "secrets"'), f"the CREATE TABLE: {statements}")
    check(any("`created_at`" in n for n in statements[0].get("notes", [])), f"a note names the column: {statements[0].get('notes')}")
    locked = {(l["relation"], l["mode"]) for l in statements[0]["locks"]}
    check(("docs", "SHARE ROW EXCLUSIVE") in locked, f"the referenced table's lock: {locked}")


def new_table_unread(which):
    def run(s):
        text = NEW_TABLE.replace("NAME", "name" if which == "name" else '"secrets"').replace("TARGET", "target" if which == "target" else '"docs"')
        text = text.replace("module.exports", 'const name = process.env.N, target = process.env.T;\nmodule.exports')
        text = text.replace("// expect: foreign-key-without-index", "// expect: unknown-statement")
        gate_pull_request(s, TYPEORM_PATH, text, TYPEORM_BASE, unknown=True)
    return run


SCENARIOS = {name: case(name) for name in CASES}
SCENARIOS["control"] = control
SCENARIOS["new_table_typed"] = new_table_typed
SCENARIOS["new_table_name"] = new_table_unread("name")
SCENARIOS["new_table_target"] = new_table_unread("target")

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
