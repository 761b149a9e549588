"""The migration's runner, or a member of it, wrapped in an expression pgfence did not read (red team
R81b, issue #53 "Every call an ORM script makes is read or counted as unknown").

- B1: a comma, `&&`/`||`/`??`, `void` or an assignment expression around the runner or one of its
  members (`(0, k.schema).dropTable(..)`, `(1 && k.schema)`, `(s = k.schema).dropTable(..)`,
  `(0, pgm.sql)(..)`, `(0, d)(..)` of a bound dropTable).
- B2: a runner member returned from an arrow, a getter, a helper of another file, thrown or yielded
  (`const f = () => k.schema; f().dropTable(..)`, TypeORM's `queryRunner.connection` so reached,
  then `dropDatabase()`).
- B3: a TypeORM class whose up() has a computed name (`async [u](qr)`), skipped as no migration.

With the real tools (knex 3.1, node-pg-migrate 7.9, TypeORM 0.3, sequelize-cli 6) each of these
dropped the users table while pgfence 432d3fdf exited 0 with "0 statements". Now the sequences and
logical operators whose other side is a literal are read as their runner side (the DROP is a
finding), and every other runner use the walker does not read is unknown at its line, in `analyze
--ci` and `pr`. The controls (ordinary migrations) stay at 0 unknown.

    test_runner_wrapped.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402

KNEX_BASE = {"knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
             "package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}, "scripts": {"migrate": "knex migrate:latest"}}\n'}
NPM_BASE = {"package.json": '{"scripts": {"migrate": "node-pg-migrate up"}, "dependencies": {"node-pg-migrate": "7.9.1", "pg": "8.11.0"}}\n'}
TYPEORM_BASE = {
    "package.json": '{"scripts": {"migrate": "typeorm migration:run -d data-source.js"}, '
                    '"dependencies": {"typeorm": "0.3.20", "pg": "8.11.0"}}\n',
    "data-source.js": 'const { DataSource } = require("typeorm");\n'
                      'module.exports = new DataSource({ type: "postgres", url: process.env.DATABASE_URL, migrations: ["migrations/*.js"] });\n'}
SEQUELIZE_BASE = {"package.json": '{"dependencies": {"sequelize": "6.37.0", "sequelize-cli": "6.6.2", "pg": "8.11.0"}}\n',
                  "config/config.json": '{"development": {"dialect": "postgres", "host": "127.0.0.1", "database": "x"}}\n'}

KNEX_PATH = "migrations/20240101000000_s.js"


def knex(body):
    """A knex migration whose up(k) holds `body` (lines marked "// expect: RULE")."""
    return "exports.up = async function (k) {\n" + body + "};\nexports.down = async function () {};\n"


# name: (path, migration, base files, whether the gate's failure comes from an unknown)
CASES = {
    # B1: sequences and logical operators whose other side is a literal are their runner side.
    "comma4": (KNEX_PATH, knex('  await (0, k.schema).dropTable("users"); // expect: drop-table\n'), KNEX_BASE, False),
    "voidc": (KNEX_PATH, knex('  await (void 0, k.schema).dropTable("users"); // expect: drop-table\n'), KNEX_BASE, False),
    "andk": (KNEX_PATH, knex('  await (1 && k.schema).dropTable("users"); // expect: drop-table\n'), KNEX_BASE, False),
    "ork": (KNEX_PATH, knex('  await (0 || k.schema).dropTable("users"); // expect: drop-table\n'), KNEX_BASE, False),
    "comma3": (KNEX_PATH, knex('  const r = k.raw.bind(k);\n  await (0, r)("DROP TABLE users"); // expect: drop-table\n'), KNEX_BASE, False),
    "np_comma": ("migrations/1700000000000_a.js",
                 'exports.up = (pgm) => {\n  (0, pgm.sql)("DROP TABLE users"); // expect: drop-table\n};\nexports.down = () => {};\n',
                 NPM_BASE, False),
    "to_dt": ("migrations/1700000000001-Noop.js",
              "module.exports = class Noop1700000000001 {\n  async up(queryRunner) {\n"
              "    const d = queryRunner.dropTable.bind(queryRunner);\n"
              '    await (0, d)("users"); // expect: drop-table\n  }\n  async down(queryRunner) {}\n};\n',
              TYPEORM_BASE, False),
    "sq_cm": ("migrations/20240101000000-s.js",
              "module.exports = {\n  async up(qi) {\n    const d = qi.dropTable.bind(qi);\n"
              '    await (0, d)("users"); // expect: drop-table\n  },\n  async down() {},\n};\n',
              SEQUELIZE_BASE, False),
    # B1: an assignment or a sequence whose value is the runner member, not collapsed: unknown.
    "assignexpr": (KNEX_PATH, knex('  let s;\n  await (s = k.schema).dropTable("users"); // expect: unknown-statement\n'), KNEX_BASE, True),
    "seqlast": (KNEX_PATH, knex('  let s;\n  await (s = k.schema, s).dropTable("users"); // expect: unknown-statement\n'), KNEX_BASE, True),
    "awaited": (KNEX_PATH, knex('  const s = await k.schema; // expect: unknown-statement\n  await s.dropTable("users");\n'), KNEX_BASE, True),
    # B2: returned, got, thrown, yielded.
    "arrowret": (KNEX_PATH, knex('  const f = () => k.schema; // expect: unknown-statement\n  await f().dropTable("users");\n'), KNEX_BASE, True),
    "objget": (KNEX_PATH, knex("  const o = { get s() { return k.schema; } }; // expect: unknown-statement\n"
                               '  await o.s.dropTable("users");\n'), KNEX_BASE, True),
    "iife": (KNEX_PATH, knex('  await (() => k.schema)().dropTable("users"); // expect: unknown-statement\n'), KNEX_BASE, True),
    "throwcatch": (KNEX_PATH, knex("  try {\n    throw k.schema; // expect: unknown-statement\n"
                                   '  } catch (s) {\n    await s.dropTable("users");\n  }\n'), KNEX_BASE, True),
    "yieldgen": (KNEX_PATH, knex("  function* g() {\n    yield k.schema; // expect: unknown-statement\n  }\n"
                                 '  for (const s of g()) await s.dropTable("users");\n'), KNEX_BASE, True),
    "np_arrow": ("migrations/1700000000000_a.js",
                 "exports.up = (pgm) => {\n  const f = () => pgm.db; // expect: unknown-statement\n"
                 '  return f().query("DROP TABLE users");\n};\nexports.down = () => {};\n', NPM_BASE, True),
    "to_arrowclr": ("migrations/1700000000001-Noop.js",
                    "module.exports = class Noop1700000000001 {\n  async up(queryRunner) {\n"
                    "    const f = () => queryRunner.connection; // expect: unknown-statement\n"
                    "    await f().dropDatabase();\n  }\n  async down(queryRunner) {}\n};\n",
                    TYPEORM_BASE, True),
    # The helper's own file: its unknown is reported at the call that hands it the runner.
    "kx_helperret": (KNEX_PATH, 'const { s } = require("../lib/inner.js");\n' +
                     knex('  await s(k).dropTable("users"); // expect: unknown-statement\n'),
                     {**KNEX_BASE, "lib/inner.js": "exports.s = (k) => k.schema;\n"}, True),
    # B3: up() named by a computed key, with and without TypeORM's words in the file.
    "to_computed": ("migrations/1700000000001-Noop.js",
                    'const u = "up";\nmodule.exports = class Noop1700000000001 {\n'
                    '  async [u](qr) { await qr.dropTable("users"); } // expect: unknown-statement\n'
                    "  async down() {}\n};\n", TYPEORM_BASE, True),
    "to_computed_words": ("migrations/1700000000001-Noop.js",
                          'const { MigrationInterface } = require("typeorm");\nconst u = "up";\n'
                          "module.exports = class Noop1700000000001 {\n  async up(qr) {}\n"
                          '  async [u](qr) { await qr.query("DROP TABLE users"); } // expect: unknown-statement\n'
                          "};\n", TYPEORM_BASE, True),
    # The runner inside a template's ${...}, which is not read as code (walker81's open hole).
    "template_alias": (KNEX_PATH, knex('  let s;\n  const note = `${(s = k.schema, "")}`; // expect: unknown-statement\n'
                                       '  await s.dropTable("users");\n'), KNEX_BASE, True),
}


def case(name):
    def run(s):
        path, text, base, unknown = CASES[name]
        report = gate_pull_request(s, path, text, base, unknown=unknown)
        sql = " ".join(st.get("sql", "") for f in report["files"] for st in f["statements"]).lower()
        check(unknown or "drop table" in sql, f"the DROP is read: {sql[:400]}")
    return run


# Controls: ordinary shapes that stay read in full, with no unknown.
CONTROL = ('const h = require("../lib/helper");\n' + knex(
    "  const s = k.schema;\n"
    '  await s.createTable("a", (t) => { t.increments(); });\n'
    "  await Promise.all([\n"
    '    k.schema.createTable("b", (t) => { t.increments(); }),\n'
    '    k.schema.createTable("c", (t) => { t.increments(); }),\n'
    "  ]);\n"
    '  if (k.client.config.client === "pg" && !k.userParams.skip) {\n'
    '    await k.raw("DROP TABLE old_a"); // expect: drop-table\n'
    "  }\n"
    "  await h.run(k); // expect: drop-table\n"
    "  await (0, h.run)(k); // expect: drop-table\n"))
CONTROL_HELPER = 'exports.run = async function (knex) { await knex.raw("DROP TABLE old_b"); };\n'


def control(s):
    """A schema alias, Promise.all of builders, a test of the runner's settings, a helper taking the
    runner (also as a transpiler calls an import, `(0, h.run)(k)`): read, nothing unknown."""
    report = gate_pull_request(s, KNEX_PATH, CONTROL, {**KNEX_BASE, "lib/helper.js": CONTROL_HELPER}, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing is unknown: {[f['findings'] for f in report['files']]}")
    sql = [st.get("sql", "").lower() for f in report["files"] for st in f["statements"]]
    check(sum("create table" in q for q in sql) == 3, f"the three tables are read: {sql}")


SCENARIOS = {name: case(name) for name in CASES}
SCENARIOS["control"] = control

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
