"""What an ORM migration's names and bindings stand for when JavaScript or the ORM decides it
differently from a plain reading (red team R70):

- F11: a `const SQL = "SELECT 1"` is not what a same-named loop variable (`for (const SQL of ...)`,
  `for (let SQL = ...;;)`, `for (const [SQL] of ...)`), `catch (SQL)` or parameter holds: the call is
  unknown, never read as the constant (TypeORM and knex send the loop's `DROP TABLE users`).
- F26: knex splices identifier bindings (`??`, `:name:`) into the whole SQL text, comments and
  string literals included (knex/lib/formatter/rawFormatter.js): a value holding `*/` ends the
  comment and its `DROP TABLE users` runs; pgfence reads the text knex builds.
- F22: a migration whose up() comes from another module (a TypeORM class that inherits it, knex's
  `exports.up = h.up`, `module.exports = { up, down }` of an import, `{ ...require() }`) is
  unknown where it takes it, never "skipped: no migration".
- R76 K1-K4: `__defineGetter__`, a top-level `this` (the exports), an export list's `evil as up`, a
  followed helper that rebinds its export or a migration that writes to the helper: unknown there.
- R75 F1-F3: an up() read in the file while knex calls another the file writes (a getter, a
  duplicate key, a binding declared twice or reassigned, `arguments`, `this`, the exports handed
  to a call or set in a timer, a closure's callee reassigned): unknown at that write.

Each migration goes through a real git repository, `pgfence analyze --ci` and `pgfence pr` against
the GitHub double (test_orm_coverage.gate_pull_request); every line marked "// expect: RULE"
carries that finding.

    test_orm_scopes.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402

# F11: each binding shadows the module's and up()'s `SQL`; TypeORM 0.3.20 sends DROP TABLE users,
# TRUNCATE users, DELETE FROM users (red team R70, /tmp/r70/F11).
SCOPES_TYPEORM = """import { MigrationInterface, QueryRunner } from "typeorm";
const SQL = "SELECT 1";
export class Scopes1700000000005 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const SQL of ["DROP TABLE users"]) await queryRunner.query(SQL); // expect: unknown-statement
    for (let SQL = "DROP TABLE orders", i = 0; i < 1; i++) await queryRunner.query(SQL); // expect: unknown-statement
    for (const [SQL] of [["DELETE FROM users"]]) { await queryRunner.query(SQL); } // expect: unknown-statement
    try {
      throw "TRUNCATE users";
    } catch (SQL) {
      await queryRunner.query(SQL); // expect: unknown-statement
    }
    const run = async (SQL: string) => { await queryRunner.query(SQL); }; // expect: unknown-statement
    await run("DROP TABLE carts");
    ["TRUNCATE sessions"].forEach(async function (SQL) { await queryRunner.query(SQL); }); // expect: unknown-statement
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""

SCOPES_DEFAULT = """import { MigrationInterface, QueryRunner } from "typeorm";
const SQL = "SELECT 1";
export class Default1700000000006 implements MigrationInterface {
  public async up(queryRunner: QueryRunner, SQL = "DROP TABLE users"): Promise<void> {
    await queryRunner.query(SQL); // expect: unknown-statement
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""

SCOPES_KNEX = """const SQL = "SELECT 1";
async function rebuild(knex, table) {
  for (const table of ["users"]) await knex.raw(`DROP TABLE ${table}`); // expect: unknown-statement|drop-table
}
exports.up = async function (knex) {
  for (const SQL of ["DROP TABLE users"]) { await knex.raw(SQL); } // expect: unknown-statement
  await rebuild(knex, "audit_archive");
};
exports.down = async function () {};
"""

# A const of another function is not what the name means in up(): there it is the global the
# helper assigns (sloppy mode), or an outer variable a destructuring assignment sets.
SCOPES_GLOBAL = """function note() { const SQL = "SELECT 1"; return SQL; }
function setup() { SQL = "DROP TABLE users"; }
function other() { const T = "SELECT 2"; return T; }
let T;
exports.up = async function (knex) {
  setup();
  await knex.raw(SQL); // expect: unknown-statement
  [T] = ["TRUNCATE sessions"];
  await knex.raw(T); // expect: unknown-statement
};
exports.down = async function () {};
"""

# Precision kept: a constant nothing rebinds is still read.
SCOPES_PLAIN = """const SQL = "DROP TABLE carts";
exports.up = async function (knex) {
  await knex.raw(SQL); // expect: drop-table
};
exports.down = async function () {};
"""


def scopes_typeorm(s):
    gate_pull_request(s, "src/migrations/1700000000005-Scopes.ts", SCOPES_TYPEORM)


def scopes_default(s):
    gate_pull_request(s, "src/migrations/1700000000006-Default.ts", SCOPES_DEFAULT)


def scopes_knex(s):
    report = gate_pull_request(s, "migrations/20240501000000_scopes.js", SCOPES_KNEX,
                               {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})
    sql = [st.get("sql", "") for f in report["files"] for st in f.get("statements", [])]
    check(not any("audit_archive" in q for q in sql), f"the helper's loop variable is not read as its parameter: {sql}")


def scopes_global(s):
    gate_pull_request(s, "migrations/20240501000000_global.js", SCOPES_GLOBAL,
                      {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})


def scopes_plain(s):
    gate_pull_request(s, "migrations/20240501000000_plain.js", SCOPES_PLAIN,
                      {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'}, unknown=False)


# F26: knex 3.1 sends `SELECT 1 /* "*/; DROP TABLE users; /*" */` and `SELECT 1 -- "x\n; TRUNCATE
# audit; --"` (DEBUG=knex:query), and builds `SELECT '"x'; DROP TABLE orders; --"'` for the literal.
BINDINGS_KNEX = """exports.up = async function (knex) {
  await knex.raw("SELECT 1 /* ?? */", ["*/; DROP TABLE users; /*"]); // expect: drop-table
  await knex.raw("SELECT 1 -- :col:\\n", { col: "x\\n; TRUNCATE audit; --" }); // expect: truncate
  await knex.raw("SELECT '??' AS note", ["x'; DROP TABLE orders; --"]); // expect: drop-table
  await knex.raw("SELECT 1 /* ?? */", "*/; DROP TABLE carts; /*"); // expect: drop-table
  await knex.raw("SELECT ':note:' AS n", { note: "x'; DROP TABLE coupons; --" }); // expect: drop-table
  await knex.raw("SELECT 1 /* ?? */", [process.env.NOTE]); // expect: unknown-statement
  await knex.raw("TRUNCATE ??", ["sessions"]); // expect: truncate
  await knex.schema.raw("SELECT 1 /* ?? */", ["*/; DROP TABLE invoices; /*"]); // expect: drop-table
};
exports.down = async function () {};
"""


def bindings_knex(s):
    report = gate_pull_request(s, "migrations/20240501000000_note.js", BINDINGS_KNEX,
                               {"package.json": '{"dependencies": {"knex": "^3.1.0"}}\n'})
    sql = [st.get("sql", "") for f in report["files"] for st in f.get("statements", [])]
    check(any(q.strip().lower().startswith('truncate "sessions"') for q in sql), f"`TRUNCATE ??` reads as knex wraps it: {sql}")


# F22: up() taken from another module the base branch already has (red team R70, /tmp/r70/F22).
BASE_TS = """import { MigrationInterface, QueryRunner } from "typeorm";
export class Base implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE users");
  }
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"""
INHERITS = """import { Base } from "../lib/base";
export class S1700000000060 extends Base {} // expect: unknown-statement
"""
RESET_JS = """exports.up = async function (knex) { await knex.raw("DROP TABLE users"); };
exports.down = async function () {};
"""
KNEX_BORROWED = {
    "migrations/20240301000000_a.js": 'const h = require("../lib/reset");\nexports.up = h.up; // expect: unknown-statement\nexports.down = h.down;\n',
    "migrations/20240301000001_b.js": 'const { up, down } = require("../lib/reset");\nmodule.exports = { up, down }; // expect: unknown-statement\n',
    "migrations/20240301000002_c.js": 'module.exports = { ...require("../lib/reset") }; // expect: unknown-statement\n',
    "migrations/20240301000003_d.mjs": 'export { up, down } from "../lib/reset.mjs"; // expect: unknown-statement\n',
    # R72: from a module of the migrations folder itself: knex runs its up() as this migration's.
    "migrations/20240301000004_e.mjs": 'export { up, down } from "./reset.mjs"; // expect: unknown-statement\n',
    # R73 F2: a CommonJS module's top-level `this` is its exports; a string key is a key.
    "migrations/20240301000005_f.js": 'const r = require("../lib/reset");\nthis.up = r.up; // expect: unknown-statement\nthis.down = r.down;\n',
    "migrations/20240301000006_g.js": 'const r = require("../lib/reset");\nexports["up"] = r.up; // expect: unknown-statement\nexports["down"] = r.down;\n',
    # R73 F2: through a name that holds the exports, a destructuring target, a logical assignment, a loop's head.
    "migrations/20240301000007_h.js": 'const r = require("../lib/reset");\nconst e = module.exports;\ne.up = r.up; // expect: unknown-statement\ne.down = r.down;\n',
    "migrations/20240301000008_i.js": '({ up: exports.up, down: exports.down } = require("../lib/reset")); // expect: unknown-statement\n',
    "migrations/20240301000009_j.js": 'const r = require("../lib/reset");\nexports.up ??= r.up; // expect: unknown-statement\nexports.down = async function () {};\n',
    "migrations/20240301000010_k.js": 'for (exports.up of [require("../lib/reset").up]) {} // expect: unknown-statement\nexports.down = async function () {};\n',
    # R74 F1: knex loads every file of its folder and calls its up(): one pgfence finds none in is
    # unknown, whatever writes it (a helper given the exports, a write through an expression), and
    # an ES module's live export reassigned is too.
    "migrations/20240301000011_l.js": 'require("../lib/install")(exports); // expect: unknown-statement\n',
    "migrations/20240301000012_m.js": 'const r = require("../lib/reset"); // expect: unknown-statement\n(0, exports).up = r.up;\n(0, exports).down = r.down;\n',
    "migrations/20240301000013_n.mjs": ('import * as r from "../lib/reset.mjs";\nexport function up(knex) {}\nexport function down() {}\n'
                                        'up = r.up; // expect: unknown-statement\n'),
}

# R75 F1-F3: an up() pgfence reads in the file, while knex calls another the same file writes: an
# up counts as read only when nothing else writes its binding, the names it calls through, or the
# exports. Each knex 3.1 runs as DROP TABLE users (red team R75, /tmp/r75/k).
EVIL = 'async function evil(knex) { await knex.raw("DROP TABLE users"); }\n'
SAFE = 'async function (knex) { await knex.raw("SELECT 1"); }'
CJS_SAFE = f"exports.up = {SAFE};\nexports.down = async function () {{}};\n"
ESM_SAFE = f"export let up = {SAFE};\nexport async function down() {{}};\n"
KNEX_REBOUND = {
    "rebound_getter": ("20240302000000_a.js", EVIL + "module.exports = { get up() { return evil; }, down() {} }; // expect: unknown-statement\n"),
    "rebound_var_hoisting": ("20240302000001_b.js", EVIL + "var up = evil;\n"
                             "function up(knex) { return knex.raw('SELECT 1'); } // expect: unknown-statement\n"
                             "exports.up = up;\nexports.down = async function () {};\n"),
    "rebound_reassigned": ("20240302000002_c.js", EVIL + "function up(knex) { return knex.raw('SELECT 1'); }\n"
                           "up = evil; // expect: unknown-statement\nexports.up = up;\nexports.down = async function () {};\n"),
    "rebound_arguments": ("20240302000003_d.js", EVIL + CJS_SAFE + "arguments[0].up = evil; // expect: unknown-statement\n"),
    "rebound_arguments_module": ("20240302000004_e.js", EVIL + CJS_SAFE +
                                 "arguments[2].exports = { up: evil, down() {} }; // expect: unknown-statement\n"),
    "rebound_this_call": ("20240302000005_f.js", EVIL + CJS_SAFE +
                          "(function () { this.up = evil; }).call(module.exports); // expect: unknown-statement\n"),
    "rebound_timer": ("20240302000006_g.js", EVIL + "const e = module.exports;\n" + CJS_SAFE +
                      "setTimeout(() => { e.up = evil; }, 0); // expect: unknown-statement\n"),
    "rebound_assign_call": ("20240302000007_h.js", EVIL + CJS_SAFE +
                            "Object.assign.call(null, module.exports, { up: evil }); // expect: unknown-statement\n"),
    "rebound_duplicate_key": ("20240302000008_i.js", EVIL + f"module.exports = {{ up: {SAFE}, down() {{}}, up: evil }}; // expect: unknown-statement\n"),
    "rebound_closure": ("20240302000009_j.js", EVIL + f"let impl = {SAFE};\nexports.up = k => impl(k);\n"
                        "exports.down = async function () {};\nimpl = evil; // expect: unknown-statement\n"),
    "rebound_esm_parenthesised": ("20240302000010_k.mjs", EVIL + ESM_SAFE + "(up) = evil; // expect: unknown-statement\n"),
    "rebound_esm_loop_head": ("20240302000011_l.mjs", EVIL + ESM_SAFE + "for (up of [evil]); // expect: unknown-statement\n"),
    "rebound_esm_var": ("20240302000012_m.mjs", EVIL + ESM_SAFE.replace("export let", "export var") +
                        "var up = evil; // expect: unknown-statement\n"),
    "rebound_esm_closure": ("20240302000013_n.mjs", EVIL + f"let impl = {SAFE};\nexport async function up(knex) {{ return impl(knex); }}\n"
                            "export async function down() {}\nimpl = evil; // expect: unknown-statement\n"),
    # R76 K1: `__defineGetter__` makes exports.up an accessor, however it is reached.
    "rebound_define_getter": ("20240302000015_p.js", EVIL + CJS_SAFE +
                              "module.exports['__defineGetter__']('up', () => evil); // expect: unknown-statement\n"),
    # R76 K2: a CommonJS module's top-level `this` is its exports, whatever name or arrow holds it.
    "rebound_top_this": ("20240302000016_q.js", EVIL + CJS_SAFE + "const self = this; // expect: unknown-statement\nself.up = evil;\n"),
    # R76 K3: the export list gives `evil` as up; the local `up` is not what knex imports.
    "rebound_esm_export_as": ("20240302000017_r.mjs", EVIL + f"async function up(knex) {{ await knex.raw('SELECT 1'); }}\n"
                              "export async function down() {}\nexport { evil as 'up' }; // expect: unknown-statement\n"),
    # R76 K4: a helper the walker follows rebinds what it exports, or the migration rewrites it.
    "rebound_helper_twice": ("20240302000018_s.js", 'const h = require("../lib/helper");\n'
                             "exports.up = async function (knex) { await h.run(knex); }; // expect: unknown-statement\n"
                             "exports.down = async function () {};\n"),
    "rebound_helper_written": ("20240302000019_t.js", 'const h = require("../lib/helper");\n'
                               "exports.up = async function (knex) { await h.run(knex); };\nexports.down = async function () {};\n"
                               "h.run = evil; // expect: unknown-statement\n" + EVIL),
}
HELPER_JS = ('exports.run = async function (knex) { await knex.raw("SELECT 1"); };\n' + EVIL +
             "setTimeout(() => { exports.run = evil; });\n")


def inherits_typeorm(s):
    report = gate_pull_request(s, "src/migrations/1700000000060-S.ts", INHERITS,
                               {"src/lib/base.ts": BASE_TS,
                                "package.json": '{"dependencies": {"typeorm": "0.3.20"}, "scripts": {"migrate": "typeorm migration:run -d src/data-source.ts"}}\n'})
    mine = [f for f in report["files"] if f["path"] == "src/migrations/1700000000060-S.ts"]
    check(mine and not mine[0]["skipped"], f"the inheriting migration is not skipped: {mine}")


def rebound(name):
    def run(s):
        file, text = KNEX_REBOUND[name]
        gate_pull_request(s, "migrations/" + file, text,
                          {"lib/helper.js": HELPER_JS if name == "rebound_helper_twice" else HELPER_JS.split("\n")[0] + "\n",
                           "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
                           "package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}, "scripts": {"migrate": "knex migrate:latest"}}\n'})
    return run


# Precision kept: state the migration updates (a counter), exports set in a block as the module
# loads to functions written there, and a helper bound once stay read, with no unknown.
REBOUND_PLAIN = """let dropped = 0;
function dropCarts(knex) { dropped++; return knex.raw("DROP TABLE carts"); } // expect: drop-table
if (process.env.MIGRATE_CARTS !== "no") {
  module.exports = { up: async (knex) => { await dropCarts(knex); dropped += 1; }, down() {} };
} else {
  module.exports = { up: async () => {}, down() {} };
}
"""


def rebound_plain(s):
    report = gate_pull_request(s, "migrations/20240302000014_o.js", REBOUND_PLAIN,
                               {"package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n'}, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing in it is unknown: {[f['findings'] for f in report['files']]}")


# R76 K2's precision: `this` in a function, a method, a class, and TypeScript's emitted
# `(this && this.__awaiter) ||` stay read, with no unknown.
REBOUND_PLAIN_THIS = """var __awaiter = (this && this.__awaiter) || function (thisArg, body) { return body.call(thisArg); };
class Tables { constructor(n) { this.n = n; } name() { return this.n; } }
function Counter() { this.n = 0; }
const count = { n: 0, add() { this.n++; return this; } };
exports.up = async function (knex) { count.add(); await knex.raw("DROP TABLE carts"); }; // expect: drop-table
exports.down = async function () {};
"""


def rebound_plain_this(s):
    report = gate_pull_request(s, "migrations/20240302000020_u.js", REBOUND_PLAIN_THIS,
                               {"package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n'}, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing in it is unknown: {[f['findings'] for f in report['files']]}")


def borrowed(path):
    def run(s):
        esm_reset = RESET_JS.replace("exports.", "export const ")
        gate_pull_request(s, path, KNEX_BORROWED[path],
                          {"lib/reset.js": RESET_JS, "lib/reset.mjs": esm_reset,
                           "lib/install.js": 'module.exports = function (e) { const r = require("./reset"); e.up = r.up; e.down = r.down; };\n',
                           **({"migrations/reset.mjs": esm_reset} if "./reset.mjs" in KNEX_BORROWED[path] else {}),
                           "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
                           "package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}, "scripts": {"migrate": "knex migrate:latest"}}\n'})
    return run


SCENARIOS = {
    "scopes_typeorm": scopes_typeorm,
    "scopes_default": scopes_default,
    "scopes_knex": scopes_knex,
    "scopes_global": scopes_global,
    "scopes_plain": scopes_plain,
    "bindings_knex": bindings_knex,
    "inherits_typeorm": inherits_typeorm,
    "borrowed_knex_member": borrowed("migrations/20240301000000_a.js"),
    "borrowed_knex_object": borrowed("migrations/20240301000001_b.js"),
    "borrowed_knex_spread": borrowed("migrations/20240301000002_c.js"),
    "borrowed_esm_reexport": borrowed("migrations/20240301000003_d.mjs"),
    "borrowed_esm_beside": borrowed("migrations/20240301000004_e.mjs"),
    "borrowed_this": borrowed("migrations/20240301000005_f.js"),
    "borrowed_string_key": borrowed("migrations/20240301000006_g.js"),
    "borrowed_alias": borrowed("migrations/20240301000007_h.js"),
    "borrowed_destructure": borrowed("migrations/20240301000008_i.js"),
    "borrowed_logical_assign": borrowed("migrations/20240301000009_j.js"),
    "borrowed_loop_head": borrowed("migrations/20240301000010_k.js"),
    "borrowed_helper_given_exports": borrowed("migrations/20240301000011_l.js"),
    "borrowed_expression_target": borrowed("migrations/20240301000012_m.js"),
    "borrowed_esm_live_binding": borrowed("migrations/20240301000013_n.mjs"),
    **{name: rebound(name) for name in KNEX_REBOUND},
    "rebound_plain": rebound_plain,
    "rebound_plain_this": rebound_plain_this,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
