"""Writes to another module's values from anywhere knex loads in its process (red team R77 K1-K4).

knex's CLI requires the knexfile, then every migration before it runs any up()
(knex/lib/migrations/migrate/Migrator.js), and Node hands every require() of a module the same
object: a write to a helper's export, or to knex's own prototypes, from any of those files makes
the helper pgfence reads (or knex's raw()) not what runs. In each pull request below node ran
DROP TABLE users while pgfence 0.b5fc37b9 reported the migration's SELECT 1 and exited 0:

- K1: the migration writes `require('../lib/helper').run = evil` (no binding).
- K2: the knexfile writes it, in a top-level statement or inside its config object.
- K3: an earlier migration writes it as it loads, or a local module the migration requires only
  for its side effects does.
- K4: knex itself patched (`Client.prototype.raw = ...`), in the same or another migration, or
  through the runner (`knex.client.raw = ...`), and Sequelize's prototypes likewise.

Each is unknown at the write (or at the require of the module that makes it) in `analyze --ci`
and `pr`. The controls (a dotenv knexfile, a helper writing its own objects) stay at 0 unknown.

    test_module_writes.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402
from test_orm_coverage import check_findings, gate_pull_request  # noqa: E402

EVIL = 'async (knex) => { await knex.raw("DROP TABLE users"); }'
HELPER = 'exports.run = async function (knex) { await knex.raw("SELECT 1"); };\n'
CALLS_HELPER = ('const h = require("../lib/helper");\n'
                "exports.up = async function (knex) { await h.run(knex); };\n"
                "exports.down = async function () {};\n")
KNEXFILE = 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n'
PACKAGE = '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}, "scripts": {"migrate": "knex migrate:latest"}}\n'
BASE = {"lib/helper.js": HELPER, "knexfile.js": KNEXFILE, "package.json": PACKAGE}

K1 = CALLS_HELPER + f"require('../lib/helper').run = {EVIL}; // expect: unknown-statement\n"
# K4: the allowlisted require("knex") gives knex's Client; its raw() swapped for every instance.
K4 = ('const { Client } = require("knex");\n'
      "const raw = Client.prototype.raw;\n"
      'Client.prototype.raw = function (sql, ...a) { return raw.call(this, sql === "SELECT 1" ? "DROP TABLE users" : sql, ...a); }; '
      "// expect: unknown-statement\n"
      'exports.up = async function (knex) { await knex.raw("SELECT 1"); };\n'
      "exports.down = async function () {};\n")
K4_SEQUELIZE = ('"use strict";\n'
                'const { QueryInterface } = require("sequelize");\n'
                "QueryInterface.prototype.addColumn = function () { return this.sequelize.query('DROP TABLE users'); }; "
                "// expect: unknown-statement\n"
                "module.exports = {\n"
                "  async up(queryInterface, Sequelize) {\n"
                "    await queryInterface.addColumn('users', 'nickname', { type: Sequelize.STRING });\n"
                "  },\n"
                "  async down(queryInterface) {\n"
                "    await queryInterface.removeColumn('users', 'nickname');\n"
                "  },\n"
                "};\n")
# K3's earlier migration: SELECT 1 itself, and the helper's run() replaced as knex loads it.
EARLIER = (f'require("../lib/helper").run = {EVIL};\n'
           'exports.up = async function (knex) { await knex.raw("SELECT 1"); };\n'
           "exports.down = async function () {};\n")
EARLIER_CLIENT = K4.replace(" // expect: unknown-statement", "")


def k1(s):
    gate_pull_request(s, "migrations/20240101000000_s.js", K1, BASE)


def k1_parenthesised(s):
    """The imported name in parentheses after an if's condition is still the import written."""
    gate_pull_request(s, "migrations/20240101000000_s.js", CALLS_HELPER + f"if (process.env.X) (h).run = {EVIL}; // expect: unknown-statement\n", BASE)


def k4_same(s):
    gate_pull_request(s, "migrations/20240101000000_s.js", K4, BASE)


# K4 through the runner itself: knex.raw() calls its client's raw(), on the instance every later
# migration of the run shares.
K4_RUNNER = ('exports.up = async function (knex) {\n'
             '  knex.client.raw = function (sql, ...a) { return Object.getPrototypeOf(this).raw.call(this, "DROP TABLE users", ...a); };'
             " // expect: unknown-statement\n"
             '  await knex.raw("SELECT 1");\n'
             "};\n"
             "exports.down = async function () {};\n")


def k4_runner(s):
    gate_pull_request(s, "migrations/20240101000000_s.js", K4_RUNNER, BASE)


def k4_sequelize(s):
    gate_pull_request(s, "migrations/20240101000000-nickname.js", K4_SEQUELIZE,
                      {"package.json": '{"dependencies": {"sequelize": "6.37.0", "sequelize-cli": "6.6.2", "pg": "8.11.0"}}\n'})


def k3_side_effect(s):
    text = "require('../lib/patch'); // expect: unknown-statement\n" + CALLS_HELPER
    gate_pull_request(s, "migrations/20240101000000_s.js", text,
                      {**BASE, "lib/patch.js": f'require("./helper").run = {EVIL};\n'})


def pull_request(s, head, base=BASE):
    """A repository with `base` on main and a branch adding or changing `head`'s files."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "README.md"), "app\n")
    for path, text in base.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def unknown_at(findings, path, line):
    return any(f["rule"] == "unknown-statement" and f["path"] == path and f["line"] == line for f in findings)


def gate_both(s, head, path, line, base=BASE):
    """`analyze --ci` over the repository and `pr` both fail with an unknown at `path`:`line`."""
    pull_request(s, head, base)
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", "."], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    check(analyze.returncode == 1, f"analyze --ci --unknown block exits 1: {analyze.returncode}\n{analyze.stderr}")
    report = json.loads(analyze.stdout)
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"]}
             for file in report["files"] for f in file["findings"]]
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")
    s.start_double()
    proc = s.run_pr(*gate, "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    found = [{"rule": r["ruleId"], "path": r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "line": r["locations"][0]["physicalLocation"]["region"]["startLine"]} for r in sarif["runs"][0]["results"]]
    check(unknown_at(found, path, line), f"pr: unknown at {path}:{line}: {found}")
    comment = "\n".join(c["body"] for c in s.comments())
    check("unknown-statement" in comment and "0 unknown" not in comment, f"the comment reports the unknown:\n{comment[:1500]}")


def k2_knexfile_top(s):
    knexfile = 'require("./lib/helper").run = ' + EVIL + ";\n" + KNEXFILE
    gate_both(s, {"knexfile.js": knexfile, "migrations/20240101000000_s.js": CALLS_HELPER}, "knexfile.js", 1)


def k2_knexfile_object(s):
    knexfile = ('module.exports = {\n  client: "pg",\n  migrations: { directory: "./migrations" },\n'
                f'  pool: (require("./lib/helper").run = {EVIL}, {{ min: 0, max: 4 }}),\n}};\n')
    gate_both(s, {"knexfile.js": knexfile, "migrations/20240101000000_s.js": CALLS_HELPER}, "knexfile.js", 4)


def k3_earlier_migration(s):
    gate_both(s, {"migrations/20231201000000_a.js": EARLIER, "migrations/20240101000000_s.js": CALLS_HELPER},
              "migrations/20231201000000_a.js", 1)


def k4_other_migration(s):
    gate_both(s, {"migrations/20231201000000_a.js": EARLIER_CLIENT,
                  "migrations/20240101000000_s.js": 'exports.up = async function (knex) { await knex.raw("SELECT 1"); };\n'
                                                    "exports.down = async function () {};\n"},
              "migrations/20231201000000_a.js", 3)


# Controls: a dotenv knexfile and a helper that writes its own objects, `this` and its exports.
CONTROL_KNEXFILE = "require('dotenv').config();\nmodule.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n"
CONTROL_HELPER = ('const path = require("path");\n'
                  "const seen = {};\n"
                  "class Tables { constructor(n) { this.n = n; } }\n"
                  "exports.run = async function (knex) {\n"
                  "  const o = { table: new Tables(path.basename('carts')) };\n"
                  "  o.done = true;\n  seen[o.table.n] = 1;\n"
                  '  await knex.raw("DROP TABLE carts");\n};\n')
CONTROL_MIGRATION = ('const h = require("../lib/helper");\n'
                     "exports.up = async function (knex) { await h.run(knex); }; // expect: drop-table\n"
                     "exports.down = async function () {};\n")


def control(s):
    report = gate_pull_request(s, "migrations/20240101000000_s.js", CONTROL_MIGRATION,
                               {"lib/helper.js": CONTROL_HELPER, "knexfile.js": CONTROL_KNEXFILE, "package.json": PACKAGE}, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing in it is unknown: {[f['findings'] for f in report['files']]}")
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        rules = [r["ruleId"] for r in json.load(f)["runs"][0]["results"]]
    check("unknown-statement" not in rules, f"pr reports no unknown: {rules}")


def control_knexfile_changed(s):
    """The pull request changes the knexfile to the dotenv one and adds a migration: no unknown."""
    pull_request(s, {"knexfile.js": CONTROL_KNEXFILE + "// the connection from the environment\n",
                     "migrations/20240101000000_s.js": CONTROL_MIGRATION}, {**BASE, "lib/helper.js": CONTROL_HELPER})
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    report = json.loads(analyze.stdout)
    check(report["summary"]["unknown"] == 0, f"analyze: nothing is unknown: {[f['findings'] for f in report['files']]}")
    check_findings("analyze", [f for file in report["files"] if file["path"].endswith("_s.js") for f in file["findings"]], CONTROL_MIGRATION)
    s.start_double()
    proc = s.run_pr("--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(proc.returncode in (0, 1), f"pr runs: exit {proc.returncode}\n{proc.stderr[-800:]}")
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        rules = [r["ruleId"] for r in json.load(f)["runs"][0]["results"]]
    check("unknown-statement" not in rules, f"pr reports no unknown: {rules}")


# B1 (red team R78b): the helper's module handed to code that writes it. pgfence reads writes only
# through the module's own names, so passing the whole module on (an argument, `this`, an array or
# object literal, a spread, another value's member) is unknown where it is passed. With knex's
# real migrate:latest each of these dropped users while pgfence 0.68226bb2 exited 0.
ESCAPES = {
    "fnparam": "function patch(m) { m.run = EVIL; }\npatch(h); // expect: unknown-statement\n",
    "foreach": "[h].forEach((m) => { m.run = EVIL; }); // expect: unknown-statement\n",
    "for_of": "for (const m of [h]) m.run = EVIL; // expect: unknown-statement\n",
    "iife": "((m) => { m.run = EVIL; })(h); // expect: unknown-statement\n",
    "new": "class P { constructor(m) { m.run = EVIL; } }\nnew P(h); // expect: unknown-statement\n",
    "this_call": "function patch() { this.run = EVIL; }\npatch.call(h); // expect: unknown-statement\n",
    "reflect_apply": "function patch() { this.run = EVIL; }\nReflect.apply(patch, h, []); // expect: unknown-statement\n",
    "object_bracket": "Object['assign'](h, { run: EVIL }); // expect: unknown-statement\n",
    "assign_alias": "const { assign } = Object;\nassign(h, { run: EVIL }); // expect: unknown-statement\n",
    "lodash_merge": "const _ = require('lodash');\n_.merge(h, { run: EVIL }); // expect: unknown-statement\n",
    "object_literal": "const o = { m: h }; // expect: unknown-statement\no.m.run = EVIL;\n",
    "member_store": "const o = {};\no.m = h; // expect: unknown-statement\no.m.run = EVIL;\n",
    "require_argument": "function patch(m) { m.run = EVIL; }\npatch(require('../lib/helper')); // expect: unknown-statement\n",
    "installer": "const inst = require('../lib/installer');\ninst(h); // expect: unknown-statement\n",
    # Red team R79 B1: the module leaves by a class field, an argument of a member named like a
    # keyword, a return, an arrow's body, a yield or a tagged template, and comes back under a name
    # pgfence never binds.
    "class_static": "class X { static m = h } // expect: unknown-statement\nX.m.run = EVIL;\n",
    "array_of": "function p() { arguments[0].run = EVIL; }\np.apply(null, Array.of(h)); // expect: unknown-statement\n",
    "get_bind": "function get() { return h } // expect: unknown-statement\nconst m = get(); m.run = EVIL;\n",
    "arrow_ret": "const get = () => h; // expect: unknown-statement\nconst m = get(); m.run = EVIL;\n",
    "then_chain": "const p = Promise.resolve().then(() => h).then((m) => { m.run = EVIL; }); // expect: unknown-statement\n",
    "gen_yield": "function* g() { yield h } // expect: unknown-statement\nfor (const m of g()) m.run = EVIL;\n",
    "tagged_tpl": "function patch(s, m) { m.run = EVIL; }\npatch`${h}`; // expect: unknown-statement\n",
}


def escape(name):
    def run(s):
        text = CALLS_HELPER.replace("\nexports.up", "\n" + ESCAPES[name].replace("EVIL", EVIL) + "exports.up", 1)
        gate_pull_request(s, "migrations/20240101000000_s.js", text,
                          {**BASE, "lib/installer.js": f"module.exports = (m) => {{ m.run = {EVIL}; }};\n"})
    return run


def or_require(s):
    """`require(x) || {}` is the module itself (red team R79 B1)."""
    text = CALLS_HELPER.replace('require("../lib/helper");', 'require("../lib/helper") || {};', 1).replace(
        "\nexports.up", f"\nfunction patch(m) {{ m.run = {EVIL}; }}\npatch(h); // expect: unknown-statement\nexports.up", 1)
    gate_pull_request(s, "migrations/20240101000000_s.js", text, BASE)


def member_part(s):
    """`require(x).helper` is a part of the module, the same object in every loader (red team R79 B1)."""
    text = ('const h = require("../lib/index").helper;\n'
            f"((m) => {{ m.run = {EVIL}; }})(h); // expect: unknown-statement\n"
            "exports.up = async function (knex) { await h.run(knex); };\nexports.down = async function () {};\n")
    gate_pull_request(s, "migrations/20240101000000_s.js", text,
                      {**BASE, "lib/index.js": 'exports.helper = { run: async (knex) => { await knex.raw("SELECT 1"); } };\n'})


def proto_computed(s):
    """Object.prototype reached by a computed key, then polluted: knex's query config inherits `text` (R79 B21)."""
    text = ("const OP = Object['proto' + 'type'];\n"
            "exports.up = async k => { OP.text = 'DROP TABLE users'; try { await k.raw(\"SELECT 1\") } finally { delete OP.text } }; "
            "// expect: unknown-statement\nexports.down = async () => {};\n")
    gate_pull_request(s, "migrations/20240101000000_s.js", text, BASE)


# Issue #53: the same reached through an alias of the global (a name, a group, an arrow's value, an
# array, Reflect.get), each unknown where the global is taken; 432d3fdf exited 0 on each.
POLLUTE = ("OP.text = 'DROP TABLE users';\n"
           "exports.up = async k => { try { await k.raw(\"SELECT 1\") } finally { delete OP.text } };\nexports.down = async () => {};\n")
PROTO_ALIASES = {
    "const_alias": "const O = Object; // expect: unknown-statement\nconst OP = O['proto' + 'type'];\n",
    "alias_chain": "let A;\nA = Object; // expect: unknown-statement\nconst B = A;\nconst OP = B['proto' + 'type'];\n",
    "comma_group": "const OP = (0, Object)['proto' + 'type']; // expect: unknown-statement\n",
    "arrow_value": "const get = () => Object; // expect: unknown-statement\nconst OP = get()['proto' + 'type'];\n",
    "array_pattern": "const [O] = [Object]; // expect: unknown-statement\nconst OP = O['proto' + 'type'];\n",
    "computed_pattern": "const k = 'proto' + 'type';\nconst { [k]: OP } = Object; // expect: unknown-statement\n",
    "reflect_get": "const OP = Reflect.get(Object, 'proto' + 'type'); // expect: unknown-statement\n",
    "string_alias": "const S = String; // expect: unknown-statement\nconst OP = Object.getPrototypeOf(S['proto' + 'type']);\n",
}


def proto_alias(name):
    def run(s):
        gate_pull_request(s, "migrations/20240101000000_s.js", PROTO_ALIASES[name] + POLLUTE, BASE)
    return run


def template_require(s):
    """``require(`../lib/patch`)``: a template with no `${}` names its module as a string does."""
    text = "require(`../lib/patch`); // expect: unknown-statement\n" + CALLS_HELPER
    gate_pull_request(s, "migrations/20240101000000_s.js", text,
                      {**BASE, "lib/patch.js": f'require("./helper").run = {EVIL};\n'})


# Controls for the escapes and the red team's false alarms: none of these is unknown.
# A helper that copies what it imports (a clone, a spread, Object.assign into a new object, a knex
# instance made from a config) and writes the copy; a model writing its own class's prototype;
# members of modules read, called and passed; a JSON module passed to a builder; a package
# plugin (dayjs.extend).
CONTROL_COPIES = ('const _ = require("lodash");\n'
                  'const cols = require("./columns");\n'
                  'const { TABLES } = require("./columns");\n'
                  'const rows = require("./rows.json");\n'
                  'const dayjs = require("dayjs");\n'
                  'const utc = require("dayjs/plugin/utc");\n'
                  "dayjs.extend(utc);\n"
                  "const c = _.cloneDeep(cols);\nc.extra = 1;\n"
                  "const opts = { ...cols };\nopts.a = 2;\n"
                  "const o = Object.assign({}, cols);\no.a = 3;\n"
                  "class User {}\nUser.prototype.fullName = function () { return this.first; };\n"
                  "function Account() {}\nAccount.prototype.label = 'a';\n"
                  "function names(list) { return list.map((r) => r.name); }\n"
                  # A local value written through parentheses (joplin's `(toSave as T).id = ...`, here
                  # without TypeScript's cast) after an if's condition and alone.
                  "function stamp(row) { const copy = { ...row }; if (row) (copy).id = 1; (copy).at = 2; return copy; }\n"
                  "exports.run = async function (knex) {\n"
                  "  names(rows);\n  String(cols.TABLES);\n  names([TABLES.users]);\n"
                  '  await knex.raw("DROP TABLE carts");\n};\n')
CONTROL_KNEXFILE_PG = ("const pg = require('pg');\n"
                       "pg.defaults.ssl = process.env.DATABASE_SSL ? { rejectUnauthorized: false } : false;\n"
                       "const { types } = require('pg');\n"
                       "types.setTypeParser(1700, parseFloat);\n"
                       "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n")


def control_copies(s):
    report = gate_pull_request(s, "migrations/20240101000000_s.js", CONTROL_MIGRATION,
                               {"lib/helper.js": CONTROL_COPIES, "lib/columns.js": 'exports.TABLES = { users: "users" };\n',
                                "lib/rows.json": '[{"name": "a"}]\n', "knexfile.js": CONTROL_KNEXFILE_PG, "package.json": PACKAGE},
                               unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing in it is unknown: {[f['findings'] for f in report['files']]}")
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        rules = [r["ruleId"] for r in json.load(f)["runs"][0]["results"]]
    check("unknown-statement" not in rules, f"pr reports no unknown: {rules}")


# The globals used directly (issue #53's control): tested with instanceof, members called, passed to a
# filter, and in types; none is taken as a value.
CONTROL_GLOBALS = ('const h = require("../lib/helper");\n'
                   "const isObj = (v: unknown): boolean => v instanceof Object && typeof v === 'object';\n"
                   "const names = (xs: unknown[]): string[] => xs.filter(Boolean).map(String);\n"
                   "const keys = Object.keys({ a: 1 });\nconst copy = Object.assign({}, { a: 1 });\n"
                   "export async function up(knex: any): Promise<void> { await h.run(knex); } // expect: drop-table\n"
                   "export async function down(): Promise<void> {}\n")


def control_globals(s):
    report = gate_pull_request(s, "migrations/20240101000000_s.ts", CONTROL_GLOBALS,
                               {"lib/helper.js": CONTROL_HELPER, "knexfile.js": CONTROL_KNEXFILE, "package.json": PACKAGE}, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing in it is unknown: {[f['findings'] for f in report['files']]}")


def pg_idiom_other_write(s):
    """Only the two node-postgres idioms are read: any other write to pg in the knexfile stays unknown."""
    knexfile = CONTROL_KNEXFILE_PG + "pg.Client.prototype.query = function () {};\n"
    gate_both(s, {"knexfile.js": knexfile, "migrations/20240101000000_s.js": CALLS_HELPER}, "knexfile.js", 6)


SCENARIOS = {
    "k1_direct_write": k1,
    "k1_parenthesised": k1_parenthesised,
    "k2_knexfile_top": k2_knexfile_top,
    "k2_knexfile_object": k2_knexfile_object,
    "k3_earlier_migration": k3_earlier_migration,
    "k3_side_effect_require": k3_side_effect,
    "k4_same_migration": k4_same,
    "k4_other_migration": k4_other_migration,
    "k4_runner": k4_runner,
    "k4_sequelize": k4_sequelize,
    "control": control,
    "control_knexfile_changed": control_knexfile_changed,
    **{f"escape_{name}": escape(name) for name in ESCAPES},
    "escape_template_require": template_require,
    "escape_or_require": or_require,
    "escape_member_part": member_part,
    "proto_computed": proto_computed,
    **{f"proto_alias_{k}": proto_alias(k) for k in PROTO_ALIASES},
    "control_globals": control_globals,
    "control_copies": control_copies,
    "pg_idiom_other_write": pg_idiom_other_write,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
