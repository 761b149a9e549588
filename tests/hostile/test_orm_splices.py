"""Text JavaScript or the ORM splices into an ORM migration's SQL, and classes a migration file takes
from another module (red team R71):

- F2: a knex `?` / `:name` value binding whose value is a `knex.raw(...)` (or a ref, a builder, an
  object with isRawInstance, a variable that may hold one) is spliced by knex as SQL text
  (knex/lib/formatter/wrappingFormatter.js unwrapRaw): `knex.raw("... > ?", [knex.raw("0; DROP TABLE
  users")])` runs the DROP. pgfence reads the text knex builds when the raw's text is known, else the
  call is unknown; only a literal string, number, boolean, null or array of those is a parameter.
- F3: a TypeORM migration file that exports a class it imports (`export { Base as S... }`,
  `export const W = Base`, `export { X } from`, `export *`, `exports.S = Base`) runs that class's up():
  followed to the class when its module is a file of the repository, else unknown at the export,
  never "skipped".
- Sequelize `replacements` (`sequelize.query(sql, { replacements })`): a value that is a
  `literal()` is spliced as its text (Sequelize 7's escape()), an fn(), object, variable or call
  makes the query unknown; a string, number, boolean, null or array of those stays a value.
- r72 N1: a value binding that can never be SQL stays a parameter: a `const` of a literal or of a
  `new Date()` / `Number()` / `String()` / `parseInt()` / `JSON.stringify()` / `Math.*()` call, the
  variable of `for (const x of [literals])`. `knex.fn.now()` stays unknown: its receiver may be any
  object of the file (`helpers.fn.now()` returning a knex.raw of any text).
  A numeric const in a TypeORM template is folded as JavaScript prints it. Such a migration passes.
- F11: a JavaScript expression the folder cannot evaluate, concatenated or interpolated into the SQL
  (`String(...)`, `2024 * 1`, `[x]`, `${Math.abs(x)}`), is text, not a bound parameter `$n`: the
  statement is unknown.

Each migration goes through a real git repository, `pgfence analyze --ci` and `pgfence pr` against
the GitHub double (test_orm_coverage.gate_pull_request); every line marked "// expect: RULE"
carries that finding.

    test_orm_splices.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request, pull_request  # noqa: E402

KNEX_PROJECT = {
    "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
    "package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}, "scripts": {"migrate": "knex migrate:latest"}}\n',
}


def statements(report, path):
    return [st for f in report["files"] if f["path"] == path for st in f.get("statements", [])]


# F2: knex 3.1 (toSQL().toNative(), /tmp/r71/F2) sends `... WHERE id > 0; DROP TABLE users`,
# `... > 0; TRUNCATE audit`, `SELECT 1 WHERE 1 > $1; DROP TABLE carts` [5] and `... > 0; DROP TABLE
# coupons` for the raws below; `knex.ref("id")` becomes `"id"`.
RAW_BINDINGS = """exports.up = async function (knex) {
  await knex.raw("SELECT count(*) FROM audit WHERE id > ?", [knex.raw("0; DROP TABLE users")]); // expect: drop-table
  await knex.raw("SELECT count(*) FROM audit WHERE id > :min", { min: knex.raw("0; TRUNCATE audit") }); // expect: truncate
  await knex.schema.raw("SELECT 1 WHERE 1 > ?", [knex.raw("0; DROP TABLE orders")]); // expect: drop-table
  await knex.raw("SELECT 1 WHERE 1 > ?", [knex.raw("?; DROP TABLE carts", [5])]); // expect: drop-table
  await knex.raw("SELECT 1 WHERE 1 > ?", knex.raw("0; DROP TABLE coupons")); // expect: drop-table
  await knex.raw("SELECT 1 WHERE 1 > ?", [knex.ref("id")]); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 > ?", [cutoff]); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 > :x", { x: { isRawInstance: true, toSQL: () => ({ sql: "0; DROP TABLE x" }) } }); // expect: unknown-statement
  const held = knex.raw("0; DROP TABLE held");
  const parseInt = (v) => knex.raw(v);
  await knex.raw("SELECT 1 WHERE 1 > ?", [held]);
  for (const each of [knex.ref("id")]) await knex.raw("SELECT 1 WHERE 1 > ?", [each]); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 > ?", [helpers.fn.later()]); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 > ?", [helpers.fn.now()]); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 > ?", [knex.fn.now()]); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 > ?", [parseInt(x)]); // expect: unknown-statement
  await knex.raw("SELECT count(*) FROM audit WHERE id > ?", [5]);
  await knex.raw("SELECT count(*) FROM audit WHERE note = ?", ["0; DROP TABLE sessions"]);
};
exports.down = async function () {};
"""


def raw_bindings_knex(s):
    path = "migrations/20240501000000_note.js"
    report = gate_pull_request(s, path, RAW_BINDINGS, KNEX_PROJECT)
    sql = [st.get("sql", "") for st in statements(report, path)]
    check(any(q.strip() == "SELECT count(*) FROM audit WHERE id > 5" for q in sql), f"a number binding stays a value: {sql}")
    check(any("note = '0; DROP TABLE sessions'" in q for q in sql), f"a string binding stays a literal: {sql}")
    check(not any("DROP TABLE sessions" in q and "note" not in q for q in sql), f"a string binding is no SQL: {sql}")
    check(not any("$" in q for q in sql), f"a raw held in a const, a loop variable, a shadowed parseInt are no parameter: {sql}")



# r72 N1: knex 3.1's toSQL().toNative() binds each of these as $n ([1], ["1970-..."], [100], [5],
# ["{\"a\":1}"]) (/tmp/r72/N1).
PLAIN_BINDINGS = """const limit = 100;
const started = new Date();
exports.up = async function (knex) {
  for (const id of [1, 2, 3]) {
    await knex.raw("SELECT count(*) FROM audit WHERE id = ?", [id]);
  }
  await knex.raw("SELECT count(*) FROM audit WHERE id < ?", [limit]);
  await knex.raw("SELECT count(*) FROM audit WHERE id < ?", limit);
  await knex.raw("SELECT count(*) FROM audit WHERE created_at < ?", [started]);
  await knex.raw("SELECT count(*) FROM audit WHERE created_at < ?", [new Date(0)]);
  await knex.raw("SELECT count(*) FROM audit WHERE id < ?", [Number(process.env.X || 5)]);
  await knex.raw("SELECT count(*) FROM audit WHERE id < ?", [parseInt(process.env.X, 10)]);
  await knex.raw("SELECT count(*) FROM audit WHERE note = ?", [String(process.env.X)]);
  await knex.raw("SELECT count(*) FROM audit WHERE note = ?", [JSON.stringify({ a: 1 })]);
  await knex.raw("SELECT count(*) FROM audit WHERE id < ?", [Math.floor(limit / 2)]);
};
exports.down = async function () {};
"""

PLAIN_TYPEORM = """import { MigrationInterface, QueryRunner } from "typeorm";
export class Batch1700000000080 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    const batch = 1000;
    const scale = 1e3;
    await queryRunner.query(`SELECT id FROM users WHERE id < ${batch} LIMIT ${scale}`);
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""


def passing_pull_request(s, path, text, base_files):
    """The pull request adding `path` passes `analyze --ci --unknown block --max-risk low` and `pr`
    with the same gate: nothing unknown, no finding. Returns analyze's JSON report."""
    pull_request(s, path, text, base_files)
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", path], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    report = json.loads(analyze.stdout)
    check(report["summary"]["unknown"] == 0, f"no unknown statement: {report['summary']} {report['files']}")
    check(analyze.returncode == 0, f"analyze --ci --unknown block exits 0: {analyze.returncode}\n{analyze.stderr}")
    s.start_double()
    proc = s.run_pr(*gate)
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-800:]}\n{proc.stderr[-800:]}")
    return report


def plain_bindings_knex(s):
    path = "migrations/20240501000000_counts.js"
    report = passing_pull_request(s, path, PLAIN_BINDINGS, KNEX_PROJECT)
    sql = [" ".join(st.get("sql", "").split()) for st in statements(report, path)]
    check(len(sql) == 10, f"every call is read: {sql}")
    check(sum(q.endswith("$1") for q in sql) == 10, f"the other bindings stay parameters: {sql}")


def plain_template_typeorm(s):
    path = "src/migrations/1700000000080-Batch.ts"
    report = passing_pull_request(s, path, PLAIN_TYPEORM, {"package.json": '{"dependencies": {"typeorm": "0.3.20"}}\n'})
    sql = [" ".join(st.get("sql", "").split()) for st in statements(report, path)]
    check("SELECT id FROM users WHERE id < 1000 LIMIT 1000" in sql, f"numeric consts are folded as JavaScript prints them: {sql}")


# F11: knex 3.1 sends `SELECT 1; DROP TABLE users` and `DROP TABLE events_2024` (/tmp/r71/F11).
SPLICED_KNEX = """exports.up = async function (knex) {
  await knex.raw("SELECT " + String("1; DROP TABLE users")); // expect: unknown-statement
  await knex.raw("CREATE TABLE events_$1 (id bigint)");
  await knex.raw("DROP TABLE events_" + 2024 * 1); // expect: unknown-statement
  await knex.raw(`SELECT ${Math.abs(-1)}`); // expect: unknown-statement
  await knex.raw(`SELECT ${2024 * 1}`); // expect: unknown-statement
  await knex.raw("SELECT " + [1]); // expect: unknown-statement
  await knex.raw("SELECT 1 -- " + note + "\\n"); // expect: unknown-statement
  await knex.raw("SELECT 1 WHERE 1 = ?", [2]);
};
exports.down = async function () {};
"""

SPLICED_TYPEORM = """import { MigrationInterface, QueryRunner } from "typeorm";
export class Spliced1700000000070 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("SELECT " + String("1; DROP TABLE users")); // expect: unknown-statement
    await queryRunner.query(`UPDATE users SET note = ${Number(process.env.N)}`); // expect: unknown-statement
    await queryRunner.query("SELECT count(*) FROM users WHERE id > $1", [5]);
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""


def spliced_knex(s):
    path = "migrations/20240501000000_check.js"
    report = gate_pull_request(s, path, SPLICED_KNEX, KNEX_PROJECT)
    got = statements(report, path)
    check(not any(st.get("sql", "").strip() in ("SELECT $1", "DROP TABLE events_$1") for st in got),
          f"a spliced expression is no parameter: {[st.get('sql') for st in got]}")
    check(any(st.get("sql", "").strip() == "SELECT 1 WHERE 1 = 2" for st in got), f"a real binding is still read: {[st.get('sql') for st in got]}")


def spliced_typeorm(s):
    path = "src/migrations/1700000000070-Spliced.ts"
    report = gate_pull_request(s, path, SPLICED_TYPEORM, {"package.json": '{"dependencies": {"typeorm": "0.3.20"}}\n'})
    got = statements(report, path)
    check(any("WHERE id > $1" in st.get("sql", "") for st in got), f"a parameters array's $1 is still read: {[st.get('sql') for st in got]}")


# Sequelize's replacements: escape() quotes a string, prints a number or boolean, NULL for null,
# an array as a list, and splices a literal() (or fn(), col(), ...) as SQL (Sequelize 7
# query-generator-typescript.ts escape() -> formatSqlExpression; Sequelize 6 throws "Invalid
# value" for one). A literal of known text is read as spliced; any other value that is not a
# plain value (an fn, an object, a variable, a call) makes the query unknown, never a parameter $n.
SEQUELIZE_PROJECT = {
    "package.json": '{"dependencies": {"sequelize": "6.37.0", "sequelize-cli": "6.6.0", "pg": "8.11.0"}, '
                    '"scripts": {"migrate": "sequelize-cli db:migrate"}}\n',
}
REPLACEMENTS = """module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query("SELECT count(*) FROM audit WHERE id > :min", { replacements: { min: Sequelize.literal("0; DROP TABLE users") } }); // expect: drop-table
    await queryInterface.sequelize.query("SELECT count(*) FROM audit WHERE id > ?", { replacements: [queryInterface.sequelize.literal("0; DROP TABLE orders")] }); // expect: drop-table
    await queryInterface.sequelize.query("SELECT 1 WHERE 1 IN (:ids)", { replacements: { ids: [1, Sequelize.literal("2); TRUNCATE carts; SELECT (3")] } }); // expect: truncate
    await queryInterface.sequelize.query("SELECT 1 WHERE 1 > :min", { replacements: { min: Sequelize.fn("now") } }); // expect: unknown-statement
    await queryInterface.sequelize.query("SELECT 1 WHERE 1 > :min", { replacements: { min: cutoff } }); // expect: unknown-statement
    await queryInterface.sequelize.query("SELECT 1 WHERE 1 > :min", { replacements: { min: { toString: () => "0" } } }); // expect: unknown-statement
    await queryInterface.sequelize.query("SELECT 1 WHERE 1 > ?", { replacements: [values()] }); // expect: unknown-statement
    await queryInterface.sequelize.query("SELECT 1 WHERE 1 > ?", { replacements: shared }); // expect: unknown-statement
    await queryInterface.sequelize.query("SELECT count(*) FROM audit WHERE id > :min", { replacements: { min: 5 } });
    await queryInterface.sequelize.query("SELECT count(*) FROM audit WHERE note = ?", { replacements: ["0; DROP TABLE sessions"] });
    await queryInterface.sequelize.query("SELECT count(*) FROM audit WHERE note = :note", { replacements: { note: "n-" + suffix } });
  },
  async down() {},
};
"""


def replacements_sequelize(s):
    path = "migrations/20240501000000-replacements.js"
    report = gate_pull_request(s, path, REPLACEMENTS, SEQUELIZE_PROJECT)
    sql = [st.get("sql", "") for st in statements(report, path)]
    check(any(q.strip() == "SELECT count(*) FROM audit WHERE id > 5" for q in sql), f"a number replacement stays a value: {sql}")
    check(any("note = '0; DROP TABLE sessions'" in q for q in sql), f"a string replacement stays a literal: {sql}")
    check(not any("DROP TABLE sessions" in q and "note" not in q for q in sql), f"a string replacement is no SQL: {sql}")
    check(any(q.strip() == "SELECT count(*) FROM audit WHERE note = $1" for q in sql), f"a string of unknown text stays a value: {sql}")
    check(not any("> $" in q for q in sql), f"no replacement that may be SQL is read as a parameter: {sql}")


# F3: TypeORM 0.3.20 runs Base's `DROP TABLE users` for each (/tmp/r71/F3).
BASE_TS = """import { MigrationInterface, QueryRunner } from "typeorm";
export class Base implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE users");
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
export class Other implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("TRUNCATE orders");
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""
TYPEORM_PROJECT = {
    "src/lib/base.ts": BASE_TS,
    "src/lib/barrel.ts": 'export { Base as Shared } from "./base";\n',
    "package.json": '{"dependencies": {"typeorm": "0.3.20"}, "scripts": {"migrate": "typeorm migration:run -d src/data-source.ts"}}\n',
}
REEXPORTS = {
    "named": 'import { Base } from "../lib/base";\nObject.defineProperty(Base, "name", { value: "S1700000000060" });\n'
             'export { Base as S1700000000060 }; // expect: drop-table\n',
    "const": 'import { Base } from "../lib/base";\nexport const W1700000000064 = Base; // expect: drop-table\n',
    "from": 'export { Base as S1700000000061 } from "../lib/base"; // expect: drop-table\n',
    "chain": 'export { Shared as S1700000000065 } from "../lib/barrel"; // expect: drop-table\n',
    "star": 'export * from "../lib/base"; // expect: drop-table|truncate\n',
    "commonjs": 'const { Base } = require("../lib/base");\nexports.S1700000000063 = Base; // expect: drop-table\n',
    "missing": 'export { Gone as S1700000000062 } from "../lib/gone"; // expect: unknown-statement\n',
    "package": 'import { Base } from "shared-migrations";\nexport { Base as S1700000000066 }; // expect: unknown-statement\n',
}


# R72 F1: an imported class exported through an expression pgfence does not follow. TypeORM takes
# every function a migration file exports, and those in exported arrays and objects
# (src/util/DirectoryExportedClassesLoader.ts loadFileClasses), so each runs Base's DROP TABLE:
# unknown at its export, never "skipped". No TypeORM word in the files: the project names the tool.
IMPORT_BASE = 'import { Base } from "../lib/base";\n'
UNFOLLOWED = {
    "paren": IMPORT_BASE + "export const S1700000000070 = (Base); // expect: unknown-statement\n",
    "as_any": IMPORT_BASE + "export const S1700000000071 = Base as any; // expect: unknown-statement\n",
    "angle": IMPORT_BASE + "export const S1700000000072 = <any>Base; // expect: unknown-statement\n",
    "bang": IMPORT_BASE + "export const S1700000000073 = Base!; // expect: unknown-statement\n",
    "satisfies": IMPORT_BASE + "export const S1700000000074 = Base satisfies object; // expect: unknown-statement\n",
    "conditional": IMPORT_BASE + "export const S1700000000075 = process.env.CI ? Base : Base; // expect: unknown-statement\n",
    "indexed": IMPORT_BASE + "export const S1700000000076 = [Base][0]; // expect: unknown-statement\n",
    "export_equals": IMPORT_BASE + "export = Base; // expect: unknown-statement\n",
    "object": IMPORT_BASE + "export const all = { S1700000000078: Base }; // expect: unknown-statement\n",
    "array": IMPORT_BASE + "export default [Base]; // expect: unknown-statement\n",
    "commonjs_object": 'const { Base } = require("../lib/base");\nmodule.exports = { S1700000000080: (Base) }; // expect: unknown-statement\n',
    "assigned_later": IMPORT_BASE + "let S1700000000081: any;\nS1700000000081 = Base;\nexport { S1700000000081 }; // expect: unknown-statement\n",
    "through_constant": IMPORT_BASE + "const Alias = Base as any;\nexport const S1700000000082 = Alias; // expect: unknown-statement\n",
    "call": 'import { make } from "../lib/base";\nexport const S1700000000083 = make(); // expect: unknown-statement\n',
    "required": 'exports.S1700000000084 = require("../lib/base").Base; // expect: unknown-statement\n',
    # R73 F1: a base class written as an expression, TypeScript namespaces, enums and `export import`,
    # a decorator, a prototype set at run time, an up() assigned in the constructor.
    "extends_expression": IMPORT_BASE + "export class S1700000000085 extends (Base) {} // expect: unknown-statement\n",
    "namespace": IMPORT_BASE + "export namespace N { export const S1700000000086 = Base; } // expect: unknown-statement\n",
    "enum": IMPORT_BASE + "export enum E { S1700000000087 = Base as any } // expect: unknown-statement\n",
    "export_import": 'import * as lib from "../lib/base";\nexport import S1700000000088 = lib.Base; // expect: unknown-statement\n',
    "decorator": 'import { swap } from "../lib/base";\n@swap // expect: unknown-statement\n'
                 "export class S1700000000089 { async up(q: any) { await q.query('SELECT 1'); } }\n",
    "prototype": IMPORT_BASE + "export class S1700000000090 {}\n"
                 "Object.setPrototypeOf(S1700000000090.prototype, Base.prototype); // expect: unknown-statement\n",
    "constructor_up": IMPORT_BASE + "export class S1700000000091 { constructor() { (this as any).up = Base.prototype.up; } } "
                      "// expect: unknown-statement\n",
}
REEXPORTS.update(UNFOLLOWED)


def reexport(kind):
    def run(s):
        path = f"src/migrations/17000000000{60 + list(REEXPORTS).index(kind)}-S.ts"
        text = REEXPORTS[kind]
        report = gate_pull_request(s, path, text, TYPEORM_PROJECT, unknown=kind in ("missing", "package", *UNFOLLOWED))
        mine = [f for f in report["files"] if f["path"] == path]
        check(mine and not mine[0]["skipped"], f"the re-exporting migration is not skipped: {mine}")
        sql = " ".join(st.get("sql", "") for st in statements(report, path)).lower()
        if kind not in ("missing", "package", "star"):
            check("truncate" not in sql, f"only the class exported is read, not its module's others: {sql}")
    return run


# What TypeORM loads from a migration file and pgfence reads in full: its own class, and exports that
# cannot be a class of another module (literals, a name for the file's own class, the compiled
# CommonJS form of `export class`). None is unknown; the class's DROP TABLE is the finding.
OWN_EXPORTS = """import { MigrationInterface, QueryRunner } from "typeorm";
export const VERSION = 3;
export const NOTE = `v${VERSION}` as const;
export const LIMITS = { rows: 1000, names: ["a", "b"], off: null };
export class Own1700000000090 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE users"); // expect: drop-table
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
export { Own1700000000090 as Alias1700000000090 };
"""
COMPILED_OWN = """"use strict";
exports.Own1700000000091 = void 0;
class Own1700000000091 {
    async up(queryRunner) {
        await queryRunner.query("DROP TABLE users"); // expect: drop-table
    }
    async down(queryRunner) {}
}
exports.Own1700000000091 = Own1700000000091;
"""


def own_exports(path, text):
    def run(s):
        report = gate_pull_request(s, path, text, TYPEORM_PROJECT, unknown=False)
        rules = [f["rule"] for f in report["files"] if f["path"] == path for f in f["findings"]]
        status = [st["status"] for st in statements(report, path)]
        check("unknown-statement" not in rules and status == ["analyzed"],
              f"{path}: exports written in the file are not unknown: {rules} {status}")
    return run


SCENARIOS = {
    "own_exports_ts": own_exports("src/migrations/1700000000090-Own.ts", OWN_EXPORTS),
    "own_exports_js": own_exports("src/migrations/1700000000091-Own.js", COMPILED_OWN),
    "raw_bindings_knex": raw_bindings_knex,
    "plain_bindings_knex": plain_bindings_knex,
    "plain_template_typeorm": plain_template_typeorm,
    "replacements_sequelize": replacements_sequelize,
    "spliced_knex": spliced_knex,
    "spliced_typeorm": spliced_typeorm,
    **{f"reexport_{kind}": reexport(kind) for kind in REEXPORTS},
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
