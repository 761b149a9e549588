"""Precision of the modules pgfence follows from a migration (issue #53; real projects in round 80).

A migration's loads are followed for writes to another module's values (test_module_writes.py):
an unknown there needs a person's sign-off, so a false one teaches people to sign off blindly.
Each control below is a shape from a real project that pgfence 0.159625b1 reported as unknown
(joplin's models, which its 38 knex migrations load through ../db, gave one per migration) and
that is clean now; each attack beside it is the same shape with a real write, and stays unknown.

    test_followed_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import BASE, CALLS_HELPER, CONTROL_MIGRATION, EVIL, PACKAGE  # noqa: E402
from test_orm_coverage import gate_pull_request  # noqa: E402

KNEXFILE = "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n"


def clean(s, files, migration=CONTROL_MIGRATION):
    """The migration, loading lib/helper and what it loads, has its drop-table and nothing unknown."""
    report = gate_pull_request(s, "migrations/20240101000000_s.js", migration,
                               {"knexfile.js": KNEXFILE, "package.json": PACKAGE, **files}, unknown=False)
    check(report["summary"]["unknown"] == 0, f"nothing in it is unknown: {[f['findings'] for f in report['files']]}")
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        rules = [r["ruleId"] for r in json.load(f)["runs"][0]["results"]]
    check("unknown-statement" not in rules, f"pr reports no unknown: {rules}")


RUN = 'exports.run = async function (knex) { await knex.raw("DROP TABLE carts"); };\n'

# joplin's ItemModel.ts: a class method's parameter typed with a type argument after the first
# (`Record<number, StorageDriverBase>`) names a type, not an argument passed to a call.
TYPE_ARGUMENTS = ("import StorageDriverBase, { Context } from './driver';\n"
                  "export class ItemModel {\n"
                  "  private count = 0;\n"
                  "  private async move(item: Item, to: StorageDriverBase, drivers: Record<number, StorageDriverBase>, ctx: Context) {}\n"
                  "  private cache: Map<string, Array<StorageDriverBase>> = new Map();\n"
                  "}\n"
                  'export const run = async (knex: any) => { await knex.raw("DROP TABLE carts"); };\n')


def control_type_arguments(s):
    clean(s, {"lib/helper.ts": TYPE_ARGUMENTS, "lib/driver.ts": "export default class StorageDriverBase {}\nexport type Context = {};\n"})


# joplin's ItemModel.ts: `items[row.name] = { ... }` writes a member of items (a computed key),
# it is no array pattern binding row; and a value that only holds an import's member inside an
# object or array literal (`{ table: cols.TABLES }`) is a new object, not the module's.
LOCAL_VALUES = ('const cols = require("./columns");\n'
                "const items = {};\n"
                "function collect(rows) {\n"
                "  for (const row of rows) {\n"
                "    items[row.name] = { table: cols.TABLES, row };\n"
                "    row.done = true;\n"
                "  }\n"
                "  const o = { n: cols.TABLES };\n  o.extra = 1;\n"
                "  const list = [cols.TABLES, 2];\n  list[0] = 3;\n"
                "}\n" + RUN)


def control_local_values(s):
    clean(s, {"lib/helper.js": LOCAL_VALUES, "lib/columns.js": 'exports.TABLES = { users: "users" };\n'})


def deep_chain(last):
    """lib/helper.js loads m1, which loads m2, ... m12 (`last`): an app's modules reach that deep."""
    files = {f"lib/m{i}.js": f"const n = require('./m{i + 1}');\nexports.v{i} = n;\n" for i in range(1, 12)}
    files["lib/m12.js"] = last
    files["lib/helper.js"] = 'const m = require("./m1");\n' + RUN
    return files


def control_deep_chain(s):
    """Twelve modules deep is followed to its end (depth-first, a chain past eight was the limit)."""
    clean(s, deep_chain("exports.last = 1;\n"))


def deep_chain_write(s):
    """The same chain whose last module writes the helper's export: unknown at the migration's load."""
    text = 'const h = require("../lib/helper"); // expect: unknown-statement\n' + CALLS_HELPER.split("\n", 1)[1]
    gate_pull_request(s, "migrations/20240101000000_s.js", text,
                      {**BASE, **deep_chain(f'require("./helper").run = {EVIL};\n'),
                       "lib/helper.js": 'const m = require("./m1");\nexports.run = async function (knex) { await knex.raw("SELECT 1"); };\n'})


# outline's ExtensionManager.ts: a class field's type (`extensions: AnyExtension[] = []`) names
# a type; `import type` is erased by TypeScript.
CLASS_FIELDS = ("import type { Shape } from './shapes';\n"
                "import Widget from './widget';\n"
                "export default class Manager {\n"
                "  count = 0;\n"
                "  widgets: Widget[] = [];\n"
                "  @Reflect.metadata('k', 1)\n  shapes?: Shape[] = [];\n"
                "  static readonly all: Widget[] = [];\n"
                "}\n"
                'export const run = async (knex: any) => { await knex.raw("DROP TABLE carts"); };\n')


def control_class_fields(s):
    clean(s, {"lib/helper.ts": CLASS_FIELDS, "lib/widget.ts": "export default class Widget {}\n",
              "lib/shapes.ts": "export type Shape = { n: number };\n"})


# joplin's services/types.ts: an interface's members name types (`mustache: MustacheService;`),
# not values handed anywhere.
INTERFACE_TYPES = ("import Widget from './widget';\n"
                   "import Mailer from './mailer';\n"
                   "export interface Services {\n\twidget: Widget;\n\tmailer: Mailer;\n\tothers?: Widget[];\n}\n")


def control_interface_types(s):
    clean(s, {"lib/helper.ts": ("import { Services } from './types';\nexport const services: Services | null = null;\n"
                                'export const run = async (knex: any) => { await knex.raw("DROP TABLE carts"); };\n'),
              "lib/types.ts": INTERFACE_TYPES, "lib/widget.ts": "export default class Widget { n = 1; }\n",
              "lib/mailer.ts": "import Widget from './widget';\nexport default class Mailer { w = new Widget(); }\n"})


# R78b: Sequelize's class taken by destructuring reads the configuration it is given, as the
# plain `const Sequelize = require('sequelize')` does (and knex's named export likewise).
TOOL_ENTRIES = ('const { Sequelize } = require("sequelize");\n'
                'const { knex } = require("knex");\n'
                'const config = require("./config");\n'
                "const sequelize = new Sequelize(config);\n"
                "const db = knex(config);\n" + RUN)


def control_tool_entries(s):
    clean(s, {"lib/helper.js": TOOL_ENTRIES, "lib/config.js": 'module.exports = { dialect: "postgres" };\n'})


# R78b: a path alias names the repository's own module, followed as a relative import is:
# tsconfig.json's `paths` (with `baseUrl`, comments and trailing commas as TypeScript reads them)
# and package.json's `imports` (Node's own `#` aliases).
TSCONFIG = '{\n  // aliases\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], }, },\n}\n'
ALIASED = ('const h = require("@/lib/helper");\n'
           "exports.up = async function (knex) { await h.run(knex); }; // expect: drop-table\n"
           "exports.down = async function () {};\n")


def control_path_alias(s):
    clean(s, {"tsconfig.json": TSCONFIG, "src/lib/helper.js": RUN}, ALIASED)


def control_package_imports(s):
    package = PACKAGE.rstrip()[:-1] + ', "imports": {"#lib/*": "./src/lib/*.js"}}\n'
    clean(s, {"package.json": package, "src/lib/helper.js": RUN}, ALIASED.replace("@/lib/helper", "#lib/helper"))


ALIAS_HELPER = "exports.run = async function (knex) { await knex.raw('SELECT 1'); };\n"
ALIAS_PATCH = f'require("./helper").run = {EVIL};\n'


def alias_gate(s, files, first_line):
    text = first_line + ALIASED.replace(" // expect: drop-table", "")
    gate_pull_request(s, "migrations/20240101000000_s.js", text,
                      {"knexfile.js": KNEXFILE, "package.json": PACKAGE, "src/lib/helper.js": ALIAS_HELPER, **files})


def alias_write(s):
    """A module loaded through an alias writes the helper's export: unknown at its load."""
    alias_gate(s, {"tsconfig.json": TSCONFIG, "src/lib/patch.js": ALIAS_PATCH}, "require('@/lib/patch'); // expect: unknown-statement\n")


def alias_allowlisted(s):
    """`paths` maps an allowlisted package's name (lodash) to the repository's file: that file is
    what tsconfig-paths, tsx and TypeScript load, and it is read (0.159625b1 took it for lodash)."""
    tsconfig = '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"], "lodash": ["src/lib/patch.js"]}}}\n'
    alias_gate(s, {"tsconfig.json": tsconfig, "src/lib/patch.js": ALIAS_PATCH}, "const _ = require('lodash'); // expect: unknown-statement\n")


def alias_disagree(s):
    """Two settings files map the alias to different files (which one the runner reads depends on
    its flags): unknown."""
    build = '{"extends": "./tsconfig.json", "compilerOptions": {"paths": {"@/*": ["other/*"]}}}\n'
    alias_gate(s, {"tsconfig.json": TSCONFIG, "tsconfig.build.json": build, "other/lib/patch.js": ALIAS_PATCH,
                   "src/lib/patch.js": "exports.x = 1;\n"}, "require('@/lib/patch'); // expect: unknown-statement\n")


def alias_base_url(s):
    """Red team R81a B2: with baseUrl "." a committed dayjs.js answers `require('dayjs')` before the
    package (TypeScript's baseUrl lookup, tsconfig-paths' match-all `*`): it is read, and its write
    to the helper is unknown at the load."""
    alias_gate(s, {"tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "allowJs": true } }\n',
                   "dayjs.js": 'require("./src/lib/helper").run = ' + EVIL + ";\nmodule.exports = () => ({});\n"},
               "const dayjs = require('dayjs'); // expect: unknown-statement\n")


def alias_base_url_package(s):
    """The same baseUrl with no such file: dayjs is the package, and nothing is unknown."""
    clean(s, {"tsconfig.json": '{ "compilerOptions": { "baseUrl": "." } }\n', "src/lib/helper.js": RUN},
          "const dayjs = require('dayjs');\n" + ALIASED.replace("@/lib/helper", "../src/lib/helper"))


def ts_node_project(s):
    """Red team R81a B2: TS_NODE_PROJECT names a tsconfig in another folder, which pgfence does not
    read for the tool's process: the script line is unknown."""
    from test_tool_reach import repository, run
    package = ('{"name":"app","scripts":{"migrate":"TS_NODE_PROJECT=config/tsconfig.deploy.json node -r tsconfig-paths/register '
               'node_modules/knex/bin/cli.js migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n')
    repository(s, {"README.md": "app\n"}, {"package.json": package, "knexfile.js": KNEXFILE,
                                           "config/tsconfig.deploy.json": '{"compilerOptions": {"baseUrl": "..", "paths": {"dayjs": ["vendor/d.js"]}}}\n',
                                           "migrations/20240101000000_s.js": "exports.up = (knex) => knex.raw('SELECT 1');\nexports.down = () => {};\n"})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    report = json.loads(proc.stdout)
    found = [(f["path"].removeprefix("./"), x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]]
    check(("package.json", "unknown-statement", 1) in found, f"the TS_NODE_PROJECT line is unknown: {found}")


def alias_unresolved(s):
    """An alias no file answers stays unknown."""
    alias_gate(s, {"tsconfig.json": TSCONFIG}, "require('@/lib/missing'); // expect: unknown-statement\n")


# daily-api's application code, reached from its TypeORM entities: `const comment = await
# graphorm.queryOneOrFail<T>(...)` in one resolver bound `comment` only there, yet a parameter
# `comment` written in another function read as a write to an imported value; so did a pattern's
# default (`{ model = Briefing.Default } = req`) and a type after `as` (`ctx as Imported`).
SCOPED_NAMES = ('import { graphorm } from "./graphorm";\n'
                "export async function find(ctx: any): Promise<unknown> {\n"
                "  const comment = await graphorm.queryOneOrFail<Comment>(ctx);\n"
                "  return comment;\n"
                "}\n"
                "export async function save(con: any, comment: Comment): Promise<Comment> {\n"
                "  comment.contentHtml = 'x';\n"
                "  return comment;\n"
                "}\n"
                'export const run = async (knex: any) => { await knex.raw("DROP TABLE carts"); };\n')
PATTERN_DEFAULT = ('const { Briefing } = require("./models");\n'
                   "function brief(req) {\n  const { model = Briefing.Default, tags } = req;\n  return [model, tags];\n}\n" + RUN)
AS_TYPE = ('import { PostsContext } from "./types";\n'
           "export function withInvisible(ctx: unknown) {\n  const graphormCtx = ctx as PostsContext;\n"
           "  graphormCtx.includeInvisible = true;\n  return graphormCtx;\n}\n"
           'export const run = async (knex: any) => { await knex.raw("DROP TABLE carts"); };\n')


def control_scoped_names(s):
    clean(s, {"lib/helper.ts": SCOPED_NAMES, "lib/graphorm.ts": "export const graphorm = { queryOneOrFail: async <T>(c: unknown) => ({}) as T };\n"})


def control_pattern_default(s):
    clean(s, {"lib/helper.js": PATTERN_DEFAULT, "lib/models.js": "exports.Briefing = { Default: 'default' };\n"})


def control_as_type(s):
    clean(s, {"lib/helper.ts": AS_TYPE, "lib/types.ts": "export type PostsContext = { includeInvisible?: boolean };\n"})


# The same shapes with a real write to the helper's module stay unknown where they are.
ATTACKS = {
    # `[a.b] = v` at a statement's start is an array pattern: it writes h.run.
    "array_pattern": ";[h.run] = [EVIL]; // expect: unknown-statement\n",
    "for_pattern": "for ([h.run] of [[EVIL]]); // expect: unknown-statement\n",
    # A module chosen by a condition is still that module.
    "ternary": "const m = process.env.X ? h : null;\nm.run = EVIL; // expect: unknown-statement\n",
    "logical": "const m = process.env.X || h;\nm.run = EVIL; // expect: unknown-statement\n",
    # Comparisons that look like type arguments pass h itself.
    "compare_args": "function patch(a, m, b) { m.run = EVIL; }\nconst a = 1, b = 2, c = 3, d = 4;\n"
                    "patch(a < b, h, c > d); // expect: unknown-statement\n",
    # A class field's initializer that writes the module.
    "class_field": "class P { n: number = 0; static x = h.run = EVIL; } // expect: unknown-statement\n",
    # The destructured name rebound to a writer is no longer Sequelize's class.
    "rebound_entry": 'let { Sequelize } = require("sequelize");\nSequelize = function (m) { m.run = EVIL; };\n'
                     "new Sequelize(h); // expect: unknown-statement\n",
    "shift_args": "function patch(a, m, b) { m.run = EVIL; }\nconst a = 1, b = 2, c = 3;\n"
                  "patch(a < b, h, c >> 1); // expect: unknown-statement\n",
    # A const bound in a block still holds the module in that block; a var holds it in the whole file.
    "block_const": "function patch() {\n  const m = h;\n  m.run = EVIL; // expect: unknown-statement\n}\npatch();\n",
    "block_var": "if (process.env.X !== 'y') { var m = h; }\nm.run = EVIL; // expect: unknown-statement\n",
    # A pattern's target (not its default) is written, and a value with a type after `as` is still h.
    "pattern_target": "({ a: h.run = EVIL } = {}); // expect: unknown-statement\n",
    "as_value": "const m = h as any;\nm.run = EVIL; // expect: unknown-statement\n",
}


def attack(name):
    def run(s):
        text = CALLS_HELPER.replace("\nexports.up", "\n" + ATTACKS[name].replace("EVIL", EVIL) + "exports.up", 1)
        gate_pull_request(s, "migrations/20240101000000_s.js", text, BASE)
    return run



# automatisch's src/config/database.js: the application's own knex instance, which no migration
# tool loads (its knexfile does not import it). 432d3fdf read every config/database.js as
# sequelize-cli's configuration and gave three unknowns.
APP_DATABASE = ("import pg from 'pg';\npg.types.setTypeParser(20, 'text', parseInt);\nimport knex from 'knex';\n"
                "import knexConfig from '../../knexfile.js';\n\nexport const client = knex(knexConfig);\n\n"
                "client.raw('SELECT 1').catch((err) => {\n  console.error(err);\n  process.exit();\n});\n")


def control_app_database_module(s):
    """A knex project's src/config/database.js that builds the application's knex instance: not
    sequelize-cli's configuration, and nothing unknown."""
    from test_tool_reach import repository, run
    repository(s, {"README.md": "app\n"},
               {**BASE, "knexfile.js": KNEXFILE, "src/config/database.js": APP_DATABASE,
                "migrations/20240101000000_s.js": CONTROL_MIGRATION})
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    report = json.loads(proc.stdout)
    unknown = [(f["path"], x["start"]["line"]) for f in report["files"] for x in f["findings"] if x["rule"].startswith("unknown")]
    check(not unknown, f"the application's knex module is no tool's settings: {unknown}")


def sequelizerc_database_module(s):
    """The same module named by .sequelizerc's `config`: sequelize-cli loads it, so its knex query
    (here a DROP TABLE) is unknown at its line."""
    from test_tool_reach import gated
    seq_package = ('{"name":"app","scripts":{"db:migrate":"sequelize-cli db:migrate"},"dependencies":{"pg":"^8.11.0","sequelize":"^6.37.0",'
                   '"knex":"^3"},"devDependencies":{"sequelize-cli":"^6.6.2"}}\n')
    rc = "const path = require('path');\nmodule.exports = { config: path.resolve('config', 'database.js') };\n"
    settings = "module.exports = { production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' } };\n"
    noop = "'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query('SELECT 1');\n  },\n  async down() {}\n};\n"
    base = {"package.json": seq_package, ".sequelizerc": rc, "config/database.js": settings, "migrations/20240101000000-init.js": noop}
    head = {"config/database.js": "const knex = require('knex');\nknex({ client: 'pg', connection: process.env.DATABASE_URL })"
                                  ".raw('DROP TABLE IF EXISTS users').then(() => {});\n" + settings,
            "migrations/20240301000000-noop.js": noop}
    gated(s, base, head, {("config/database.js", "unknown-statement", 2)})

SCENARIOS = {
    "control_type_arguments": control_type_arguments,
    "control_local_values": control_local_values,
    "control_deep_chain": control_deep_chain,
    "control_tool_entries": control_tool_entries,
    "control_class_fields": control_class_fields,
    "control_interface_types": control_interface_types,
    "control_path_alias": control_path_alias,
    "control_package_imports": control_package_imports,
    "control_app_database_module": control_app_database_module,
    "control_scoped_names": control_scoped_names,
    "control_pattern_default": control_pattern_default,
    "control_as_type": control_as_type,
    "sequelizerc_database_module": sequelizerc_database_module,
    "alias_write": alias_write,
    "alias_allowlisted": alias_allowlisted,
    "alias_disagree": alias_disagree,
    "alias_unresolved": alias_unresolved,
    "alias_base_url": alias_base_url,
    "alias_base_url_package": alias_base_url_package,
    "ts_node_project": ts_node_project,
    "deep_chain_write": deep_chain_write,
    **{f"attack_{name}": attack(name) for name in ATTACKS},
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
