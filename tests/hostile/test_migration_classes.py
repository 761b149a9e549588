"""What TypeORM runs of a migration class that is not the up() written in its body (red team R82b
B5, B6; issue #53).

- B5: a decorator of a member (`@logged async up()`), of a parameter or a field runs when the class
  is defined and may replace up() (a method decorator's descriptor `value`) or the prototype.
  pgfence flagged class decorators only; the member's ran unread.
- B6: a constructor that returns another object: TypeORM runs `new migrationClass()` and calls that
  object's up() (typeorm src/migration/MigrationExecutor.ts getMigrations); and a class with no
  up() at all, which pgfence skipped as "no up() or down() migration function found".

With the real TypeORM 0.3 (`migration:run`, through ts-node for the TypeScript one) each dropped
the users table while pgfence 07666381 exited 0. Now each is unknown at the class, in `analyze
--ci` and `pr`; ordinary migration classes (a constructor setting a field, `return this`, nested
functions that return values) stay read in full with nothing unknown.

    test_migration_classes.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402
from test_runner_wrapped import TYPEORM_BASE  # noqa: E402

TS_BASE = {
    "package.json": '{"scripts": {"migrate": "typeorm-ts-node-commonjs migration:run -d data-source.ts"}, '
                    '"dependencies": {"typeorm": "0.3.20", "pg": "8.11.0", "ts-node": "10.9.2", "typescript": "5.6.3"}}\n',
    "tsconfig.json": '{"compilerOptions": {"target": "es2020", "module": "commonjs", "experimentalDecorators": true}}\n',
    "data-source.ts": 'import { DataSource } from "typeorm";\n'
                      'export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, migrations: ["migrations/*.ts"] });\n'}
TS_PATH = "migrations/1700000000001-Noop.ts"
JS_PATH = "migrations/1700000000001-Noop.js"

LOGGED = ("function logged(target: any, key: string, d: PropertyDescriptor) {\n"
          "  const orig = d.value;\n"
          "  d.value = async function (runner: QueryRunner) {\n"
          '    await runner.dropTable("users");\n'
          "    return orig.call(this, runner);\n  };\n}\n")


def ts_class(members):
    return ('import { MigrationInterface, QueryRunner } from "typeorm";\n\n' + LOGGED +
            "export class Noop1700000000001 implements MigrationInterface { // expect: unknown-statement\n" + members + "}\n")


# name: (path, migration, base files)
CASES = {
    # B5: the red team's repro, and the same decorator on down(), a parameter, a field.
    "dec_method": (TS_PATH, ts_class("  @logged\n  async up(queryRunner: QueryRunner): Promise<void> {}\n"
                                     "  async down(queryRunner: QueryRunner): Promise<void> {}\n"), TS_BASE),
    "dec_other_method": (TS_PATH, ts_class("  async up(queryRunner: QueryRunner): Promise<void> {}\n"
                                           "  @logged async down(queryRunner: QueryRunner): Promise<void> {}\n"), TS_BASE),
    "dec_parameter": (TS_PATH, ts_class("  async up(@((t: any, k: string, i: number) => { t.up = async (r: QueryRunner) => "
                                        "r.dropTable(\"users\"); }) queryRunner: QueryRunner): Promise<void> {}\n"
                                        "  async down(queryRunner: QueryRunner): Promise<void> {}\n"), TS_BASE),
    "dec_field": (TS_PATH, ts_class("  @((t: any) => { t.up = async (r: QueryRunner) => r.dropTable(\"users\"); }) name = \"n\";\n"
                                    "  async up(queryRunner: QueryRunner): Promise<void> {}\n"
                                    "  async down(queryRunner: QueryRunner): Promise<void> {}\n"), TS_BASE),
    # B6: the constructor's value is what TypeORM runs.
    "ctor_return_no_up": (JS_PATH, "module.exports = class Noop1700000000001 { // expect: unknown-statement\n"
                                   '  constructor() { return { name: "Noop1700000000001", up: async (qr) => { await qr.dropTable("users"); }, '
                                   "down: async () => {} }; }\n};\n", TYPEORM_BASE),
    "ctor_return_empty_up": (JS_PATH, "module.exports = class Noop1700000000001 { // expect: unknown-statement\n"
                                      '  constructor() { return { name: "Noop1700000000001", up: async (qr) => { await qr.query("DROP TABLE users"); }, '
                                      "down: async () => {} }; }\n  async up(qr) {}\n  async down() {}\n};\n", TYPEORM_BASE),
    "ctor_return_typeorm_words": (JS_PATH, 'const { MigrationInterface } = require("typeorm");\n'
                                           "const other = require(\"../lib/other\");\n"
                                           "class Noop1700000000001 { // expect: unknown-statement\n"
                                           "  constructor() {\n    if (other.on) return other.migration;\n  }\n"
                                           "  async up(qr) {}\n  async down() {}\n}\nmodule.exports = { Noop1700000000001 };\n",
                                  {**TYPEORM_BASE, "lib/other.js": 'exports.on = true;\nexports.migration = { up: (qr) => qr.dropTable("users") };\n'}),
    # A class TypeORM loads with no up() pgfence reads (here none at all: `new` and the call fail,
    # but pgfence cannot tell that from every class's prototype): unknown, not skipped.
    "class_no_up": (JS_PATH, 'const { MigrationInterface } = require("typeorm");\n'
                             "class Noop1700000000001 {} // expect: unknown-statement\nmodule.exports = { Noop1700000000001 };\n",
                    TYPEORM_BASE),
}


def case(name):
    def run(s):
        path, text, base = CASES[name]
        gate_pull_request(s, path, text, base, unknown=True)
    return run


CONTROL_TS = ('import { MigrationInterface, QueryRunner } from "typeorm";\n\n'
              "export class AddEmail1700000000001 implements MigrationInterface {\n"
              '  name = "AddEmail1700000000001";\n'
              "  public async up(queryRunner: QueryRunner): Promise<void> {\n"
              '    await queryRunner.query(`ALTER TABLE "user" ADD "email" varchar`);\n'
              '    await queryRunner.query(`DROP TABLE "old_user"`); // expect: drop-table\n'
              "  }\n"
              "  public async down(queryRunner: QueryRunner): Promise<void> {\n"
              '    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "email"`);\n'
              "  }\n}\n")
CONTROL_JS = ("module.exports = class AddIndex1700000000002 {\n"
              "  constructor() {\n"
              '    this.name = "AddIndex1700000000002";\n'
              "    const pick = () => { return { up: 1 }; };\n"
              "    function two() { return 2; }\n"
              "    if (!pick || !two) return;\n"
              "    return this;\n"
              "  }\n"
              "  async up(qr) {\n"
              '    await qr.query("DROP TABLE old_post"); // expect: drop-table\n'
              "  }\n"
              "  async down(qr) {}\n};\n")


def control(path, text, base):
    """Ordinary migration classes, TypeScript as TypeORM generates them and JavaScript with a
    constructor that sets a field and returns nothing or `this`: read, nothing unknown."""
    def run(s):
        report = gate_pull_request(s, path, text, base, unknown=False)
        check(report["summary"]["unknown"] == 0, f"nothing is unknown: {[f['findings'] for f in report['files']]}")
        sql = " ".join(st.get("sql", "") for f in report["files"] for st in f["statements"]).lower()
        check("drop table" in sql, f"the DROP is read: {sql[:400]}")
    return run


SCENARIOS = {name: case(name) for name in CASES}
SCENARIOS["control_ts"] = control(TS_PATH, CONTROL_TS, TS_BASE)
SCENARIOS["control_js"] = control("migrations/1700000000002-AddIndex.js", CONTROL_JS, TYPEORM_BASE)

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
