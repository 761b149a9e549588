"""The migration's runner reached through a name pgfence forgot, an operator that runs user code,
or a helper's `arguments`, default value or extra argument (red team R82b B1-B4, issue #53).

- B1: an alias of the runner given another value that may not run (`let s = k.schema; if (x) s =
  null;`, in a `try`): the parse keeps no branches, so the name now stands for runner[?] and what it
  calls is unknown. A block's own `let s` (`{ let s = 1; }`, a `for (let s ...)` head, a followed
  helper's `{ let s }`) binds another variable for the block only: the alias is the runner's after
  it, and what it sends is read (READ).
- B2: `k instanceof C` calls C[Symbol.hasInstance](k), user code (ECMA-262 InstanceofOperator):
  the runner flows there, it is not only tested.
- B3: a followed helper that reaches the runner through `arguments`, a default value or an argument
  with no parameter of its own (also an imported helper's default value).
- B4: `arguments` (or an alias of `arguments[0]`) inside a template's `${...}`.

With the real tools (knex 3.1, node-pg-migrate 7.9, TypeORM 0.3) each of these dropped the users
table while pgfence 07666381 exited 0 with "0 statements". Now each is unknown at its line, in
`analyze --ci` and `pr`. The controls (ordinary reassignment and shadowing of other names,
`=== null` tests, a helper with a literal default) stay at 0 unknown.

    test_runner_forgotten.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request, pull_request  # noqa: E402
from test_runner_wrapped import KNEX_BASE, KNEX_PATH, NPM_BASE, TYPEORM_BASE, knex  # noqa: E402

NPM_PATH = "migrations/1700000000000_a.js"
TO_PATH = "migrations/1700000000001-Noop.js"
U = "  // expect: unknown-statement"


def npm(body):
    return "exports.up = (pgm) => {\n" + body + "};\nexports.down = () => {};\n"


def typeorm(body, before=""):
    return (before + "module.exports = class Noop1700000000001 {\n  async up(queryRunner) {\n" + body +
            "  }\n  async down() {}\n};\n")


def hook(line):
    return ("let p;\nclass C { static [Symbol.hasInstance](s) { " + line + " return true; } }\n")


# name: (path, migration, extra files)
CASES = {
    # B1: an alias made opaque by a write that may not run or binds another variable.
    "kx_c1": (KNEX_PATH, knex('  let s = k.schema;\n  if (process.env.NEVER_SET) s = null;\n  await s.dropTable("users");' + U + "\n"), {}),
    "kx_c2": (KNEX_PATH, knex('  let s = k.schema;\n  try { s = JSON.parse("{bad"); } catch (e) {}\n'
                              '  await s.dropTable("users");' + U + "\n"), {}),
    "np_cond": (NPM_PATH, npm('  let run = pgm.sql;\n  if (process.env.NEVER_SET) run = console.log;\n  run("DROP TABLE users");' + U + "\n"), {}),
    "to_blk": (TO_PATH, typeorm("    const c = queryRunner.connection;\n    { let c = 0; }\n    await c.dropDatabase();" + U + "\n"), {}),
    # B2: instanceof hands the runner to C[Symbol.hasInstance].
    "kx_inst_a1": (KNEX_PATH, hook('p = s.schema.dropTable("users");') + knex("  if (k instanceof C) await p;" + U + "\n"), {}),
    "kx_inst_a2": (KNEX_PATH, 'let p;\nconst C = { [Symbol.hasInstance](s) { p = s.dropTable("users"); return true; } };\n' +
                   knex("  if (k.schema instanceof C) await p;" + U + "\n"), {}),
    "np_inst": (NPM_PATH, hook('s.sql("DROP TABLE users");') + npm("  if (!(pgm instanceof C)) return;" + U + "\n"), {}),
    "to_inst": (TO_PATH, typeorm("    if (queryRunner instanceof C) await p;" + U + "\n",
                                 "let p;\nfunction C() {}\nObject.defineProperty(C, Symbol.hasInstance, "
                                 '{ value: (q) => { p = q.query("DROP TABLE users"); return true; } });\n'), {}),
    # B3: arguments, a default value, an argument with no parameter.
    "kx_t16": (KNEX_PATH, 'function g() { const [s] = arguments; return s.dropTable("users"); }\n' +
               knex("  await g(k.schema);" + U + "\n"), {}),
    "kx_t18": (KNEX_PATH, 'function g(s) { return arguments[0].dropTable("users"); }' + U + "\n" +
               knex("  await g(k.schema);\n"), {}),
    "kx_t11": (KNEX_PATH, knex("  const g = function () { return arguments[0]; };\n"
                               '  await g(k.schema).dropTable("users");' + U + "\n"), {}),
    "kx_t19": (KNEX_PATH, 'const g = (s, t = s) => t.dropTable("users");\n' + knex("  await g(k.schema);" + U + "\n"), {}),
    "kx_p8": (KNEX_PATH, 'function g(s, n = s.dropTable("users")) { return n; }\n' + knex("  await g(k.schema);" + U + "\n"), {}),
    "kx_t21": (KNEX_PATH, 'const { run } = require("../lib/helper.js");\n' + knex('  await run("x", k);' + U + "\n"),
               {"lib/helper.js": 'exports.run = (t, k, q = k.raw("DROP TABLE users")) => q;\n'}),
    "np_args": (NPM_PATH, 'function g() { arguments[0].sql("DROP TABLE users"); }\n' + npm("  g(pgm);" + U + "\n"), {}),
    # B4: arguments inside a template's ${...}.
    "kx_tp4": (KNEX_PATH, knex('  const ps = [];\n  `${ps.push(arguments[0].raw("DROP TABLE users"))}`;' + U +
                               "\n  await Promise.all(ps);\n"), {}),
    "kx_tp3": (KNEX_PATH, "exports.up = async function () {\n  const [x] = arguments;\n  let p;\n"
               '  `${(p = x.schema.dropTable("users"), "")}`;' + U + "\n  await p;\n};\nexports.down = async function () {};\n", {}),
}
# A block's own `let` (a loop head's) binds another variable for the block only: the alias outside
# is the runner's after it, and what it sends is read (round 83, walker block scopes).
D = "  // expect: drop-table"
READ = {
    "kx_b1": (KNEX_PATH, knex('  const s = k.schema;\n  { let s = 1; }\n  await s.dropTable("users");' + D + "\n"), {}),
    "kx_b3": (KNEX_PATH, knex('  const s = k.schema;\n  for (let s = 0; s < 1; s++) {}\n  await s.dropTable("users");' + D + "\n"), {}),
    "kx_b5": (KNEX_PATH, knex('  const r = k.raw.bind(k);\n  { let r = 0; }\n  await r("DROP TABLE users");' + D + "\n"), {}),
    "kx_p5": (KNEX_PATH, 'function g(s) { { let s = 1; } return s.dropTable("users"); }' + D + "\n" +
              knex("  await g(k.schema);\n"), {}),
    "np_blk": (NPM_PATH, npm('  const run = pgm.sql;\n  { let run = null; }\n  run("DROP TABLE users");' + D + "\n"), {}),
}
BASES = {KNEX_PATH: KNEX_BASE, NPM_PATH: NPM_BASE, TO_PATH: TYPEORM_BASE}


def case(name):
    def run(s):
        path, text, extra = CASES[name] if name in CASES else READ[name]
        gate_pull_request(s, path, text, {**BASES[path], **extra}, unknown=name in CASES)
    return run


# Controls: other names reassigned and shadowed, the runner compared, a helper with a literal
# default and `arguments` of a helper not handed the runner: read in full, nothing unknown.
CONTROL = ('function label(name, suffix = "_old") { return name + suffix + arguments.length; }\n'
           'async function make(knex, name, ifMissing = true) { await knex.schema.createTable(name, (t) => { t.increments(); }); }\n' +
           knex("  let name = label(\"a\");\n  if (process.env.X) name = \"b\";\n"
                "  for (let i = 0; i < 2; i++) { const name = i; }\n"
                "  try { name = JSON.parse('\"c\"'); } catch (e) { name = null; }\n"
                '  const s = k.schema;\n  if (k.client == null || k.client.config.client !== "pg") return;\n'
                '  if (typeof k.raw === "function" && !(k.schema === undefined)) await s.createTable("a", (t) => { t.increments(); });\n'
                '  await make(k, "b");\n'))


def control(s):
    pull_request(s, KNEX_PATH, CONTROL, KNEX_BASE)
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--ci", "--unknown", "block", "--output", "json", KNEX_PATH],
                          cwd=s.repo, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    check(report["summary"]["unknown"] == 0, f"nothing is unknown: {[f['findings'] for f in report['files']]}")
    sql = [st.get("sql", "").lower() for f in report["files"] for st in f["statements"]]
    check(sum("create table" in q for q in sql) == 2, f"both tables are read: {sql}")


SCENARIOS = {name: case(name) for name in [*CASES, *READ]}
SCENARIOS["control"] = control

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
