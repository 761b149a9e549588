"""A settings folder changed after the literal pgfence reads it from (issue #53; red team R82a B1,
B12, FA1, FA2). knex, TypeORM and sequelize-cli require() their settings module and read the value
after the whole module has run: `migrations.directory += '/../lib/x'`, `c.migrations.directory.push(...)`,
`options.migrations.splice(...)`, `Object['assign'](...)`, `["./migrations"].concat("./lib/x")` all
made the tool run lib/x (the red team's real runs dropped users) while pgfence listed only the
literal's folder, and the gate passed. Each is unknown at its line now. The controls: TypeORM's and
knex's documented `__dirname` folder idioms, a plain `c.migrations.directory = './db'`, and
node-pg-migrate's `exports.down = false` read clean.

    test_settings_after_literal.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

KNEX_PACKAGE = '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n'
KNEX_NOOP = 'exports.up = async k => { await k.raw("SELECT 1") }; exports.down = async () => {};\n'
KNEX_DROP = 'exports.up = async k => { await k.raw("DROP TABLE users") }; exports.down = async () => {};\n'
KNEX_HEAD = 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n'
TYPEORM_PACKAGE = ('{"name":"app","scripts":{"migrate":"typeorm migration:run -d data-source.js"},'
                   '"dependencies":{"typeorm":"0.3.20","pg":"8.11.0"}}\n')
TYPEORM_NOOP = 'module.exports = class Init1700000000000 { async up(q) { await q.query("SELECT 1") } async down() {} };\n'
TYPEORM_DROP = 'module.exports = class Drop1700000000001 { async up(q) { await q.query("DROP TABLE users") } async down() {} };\n'
TYPEORM_OPTIONS = ('const { DataSource } = require("typeorm");\n'
                   'const options = { type: "postgres", url: process.env.DATABASE_URL, migrations: ["migrations/*.js"] };\n')
TYPEORM_EXPORT = "module.exports = { AppDataSource: new DataSource(options) };\n"


def gate(s, name, files):
    """analyze --ci --unknown block --max-risk low of a repository holding `files`: (exit, findings)."""
    repo = os.path.join(s.tmp, name)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    for path, text in files.items():
        write(os.path.join(repo, path), text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", "."],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"{name}: analyze exit {proc.returncode}\n{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    found = set()
    for f in report["files"]:
        path = f["path"][2:] if f["path"].startswith("./") else f["path"]
        found |= {(path, x["rule"], x["start"]["line"]) for x in f["findings"]}
    return proc.returncode, found, proc.stderr


def blocked(s, name, files, expected):
    code, found, err = gate(s, name, files)
    check(code == 1, f"{name}: the gate fails: exit {code}\n{sorted(found)}\n{err[-1500:]}")
    for e in expected:
        check(e in found, f"{name}: reports {e}: {sorted(found)}")


def clean(s, name, files, notes=()):
    code, found, err = gate(s, name, files)
    check(code == 0 and not found, f"{name}: reads clean: exit {code}\n{sorted(found)}\n{err[-1500:]}")
    for n in notes:
        check(n in err, f"{name}: names the folder ({n!r}):\n{err[-1500:]}")


def knex_writes(s):
    """knexfiles that change migrations.directory after the literal (plus_assign, kpush_own,
    kunshift_own, g_brk) or compute it from the literal (k_concat): knex ran lib/x."""
    cases = {
        "plus_assign": (KNEX_HEAD + "module.exports.migrations.directory += '/../lib/x';\n", 2),
        "kpush_own": ('const c = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: ["./migrations"] } };\n'
                      "c.migrations.directory.push('./lib/x'); module.exports = c;\n", 2),
        "kunshift_own": ('const c = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: ["./migrations"] } };\n'
                         "c.migrations.directory.unshift('./lib/x'); module.exports = c;\n", 2),
        "index_write": ('const c = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: ["./migrations"] } };\n'
                        "c.migrations.directory[0] = './lib/x'; module.exports = c;\n", 2),
        "g_brk": (KNEX_HEAD + "Object['assign'](module.exports.migrations, { directory: './lib/x' });\n", 2),
        "assign_exports": (KNEX_HEAD + "Object.assign(module.exports, JSON.parse('{\"migrations\": {\"directory\": \"./lib/x\"}}'));\n", 2),
        "k_concat": ('module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: '
                     '["./migrations"].concat("./lib/x") } };\n', 1),
    }
    for name, (knexfile, line) in cases.items():
        blocked(s, name, {"package.json": KNEX_PACKAGE, "knexfile.js": knexfile, "migrations/20240101000000_a.js": KNEX_NOOP,
                          "lib/x/20240101000000_a.js": KNEX_DROP},
                {("knexfile.js", "unknown-statement", line)})


def typeorm_writes(s):
    """TypeORM data sources whose migrations list changes after the literal (to_v2, to_v3, to_v4,
    to_brk, to_assign, to_assign2) or is computed from it (to_concat): the real CLI ran lib/x."""
    cases = {
        "to_v2": (TYPEORM_OPTIONS + 'options.migrations.push("lib/x/*.js");\n' + TYPEORM_EXPORT, 3),
        "to_v3": (TYPEORM_OPTIONS + 'options.migrations.unshift("lib/x/*.js");\n' + TYPEORM_EXPORT, 3),
        "to_v4": (TYPEORM_OPTIONS + 'options.migrations.splice(0, 1, "lib/x/*.js");\n' + TYPEORM_EXPORT, 3),
        "to_brk": (TYPEORM_OPTIONS + 'Object["assign"](options, JSON.parse(`{"migrations": ["lib/x/*.js"]}`));\n' + TYPEORM_EXPORT, 3),
        "to_assign": (TYPEORM_OPTIONS + 'Object.assign(options, JSON.parse(`{"migrations": ["lib/x/*.js"]}`));\n' + TYPEORM_EXPORT, 3),
        "to_assign_second": (TYPEORM_OPTIONS + 'Object.assign(options, {}, JSON.parse(`{"migrations": ["lib/x/*.js"]}`));\n' + TYPEORM_EXPORT, 3),
        "to_assign2": ('const { DataSource } = require("typeorm");\nconst extra = { migrations: "lib/x/*.js".split(",") };\n'
                       'const options = { type: "postgres", url: process.env.DATABASE_URL, migrations: ["migrations/*.js"] };\n'
                       "module.exports = { AppDataSource: new DataSource(Object.assign(options, extra)) };\n", 2),
        "to_concat": ('const { DataSource } = require("typeorm");\n\nmodule.exports = { AppDataSource: new DataSource({ type: "postgres", '
                      'url: process.env.DATABASE_URL, migrations: ["migrations/*.js"].concat(["lib/x/*.js"]) }) };\n', 3),
    }
    for name, (source, line) in cases.items():
        blocked(s, name, {"package.json": TYPEORM_PACKAGE, "data-source.js": source, "migrations/1700000000000-Init.js": TYPEORM_NOOP,
                          "lib/x/1700000000001-Drop.js": TYPEORM_DROP},
                {("data-source.js", "unknown-statement", line)})


def sequelizerc_compound_assign(s):
    """sq_plus: .sequelizerc adds '/../../lib/x' to migrations-path after the literal; sequelize-cli ran lib/x."""
    rc = ("const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('db', 'migrations') };\n"
          "module.exports['migrations-path'] += '/../../lib/x';\n")
    files = {"package.json": '{"name":"app","scripts":{"migrate":"sequelize-cli db:migrate"},'
                             '"dependencies":{"sequelize":"6.37.0","sequelize-cli":"6.6.2","pg":"8.11.0"}}\n',
             "config/config.json": '{"development": {"username": "postgres", "database": "x", "host": "127.0.0.1", "dialect": "postgres"}}\n',
             ".sequelizerc": rc,
             "db/migrations/20240101000000-a.js": "module.exports = { up: async (qi) => { await qi.sequelize.query('SELECT 1') }, down: async () => {} };\n",
             "lib/x/20240101000000-a.js": "module.exports = { up: async (qi) => { await qi.dropTable('users') }, down: async () => {} };\n"}
    blocked(s, "sq_plus", files, {(".sequelizerc", "unknown-statement", 3)})


def folder_idioms_control(s):
    """The documented folder idioms read clean and name the folder they mean: TypeORM's
    `__dirname + "/migrations/*.js"`, path.join/resolve(__dirname, ...), `${__dirname}/...` (of a data
    source in src/, so __dirname is src), knex's `${__dirname}/migrations`, a plain
    `c.migrations.directory = './db'` after the literal, and node-pg-migrate's `exports.down = false`."""
    typeorm = {
        "fa_plus": 'migrations: [__dirname + "/migrations/*.js"]',
        "fa_join": 'migrations: [path.join(__dirname, "migrations", "*.js")]',
        "fa_tpl": "migrations: [`${__dirname}/migrations/*.js`]",
        "fa_resolve": 'migrations: [path.resolve(__dirname, "migrations/*.js")]',
    }
    for name, setting in typeorm.items():
        source = ('const path = require("path");\nconst { DataSource } = require("typeorm");\nmodule.exports = { AppDataSource: new DataSource({ '
                  'type: "postgres", url: process.env.DATABASE_URL, ' + setting + " }) };\n")
        clean(s, name, {"package.json": TYPEORM_PACKAGE.replace("-d data-source.js", "-d src/data-source.js"), "src/data-source.js": source,
                        "src/migrations/1700000000000-Init.js": TYPEORM_NOOP},
              ["puts typeorm's migrations in src/migrations"])
    knexfile = 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: `${__dirname}/db/migrations` } };\n'
    clean(s, "fa_ktpl", {"package.json": KNEX_PACKAGE, "knexfile.js": knexfile, "db/migrations/20240101000000_a.js": KNEX_NOOP},
          ["puts knex's migrations in db/migrations"])
    knexfile = ('const c = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations", tableName: "m" } };\n'
                "c.migrations.directory = './db';\nmodule.exports = c;\n")
    clean(s, "plain_assign", {"package.json": KNEX_PACKAGE, "knexfile.js": knexfile, "db/20240101000000_a.js": KNEX_NOOP},
          ["puts knex's migrations in db"])
    npm = {"package.json": '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"7.9.1"}}\n',
           "migrations/1700000000000_a.js": "exports.up = (pgm) => {\n  pgm.sql(\"SELECT 1\");\n};\nexports.down = false;\n",
           "migrations/1700000000001_b.js": "exports.up = (pgm) => {\n  pgm.sql(\"SELECT 2\");\n}\nexports.down = false\n"}
    clean(s, "down_false", npm)


def typeorm_extglobs(s):
    """B8: TypeORM's glob reads extglobs (glob 10's minimatch, noext unset): `lib/ent/!(*.spec).js`
    loaded an entity that dropped users, `@(migrations|lib)/**/*.js` ran lib/x's migration. pgfence
    matches neither: each glob is unknown at its line. A plain glob stays clean."""
    head = 'const { DataSource } = require("typeorm");\nmodule.exports = { AppDataSource: new DataSource({ type: "postgres", url: process.env.DATABASE_URL, '
    entity = ('const { EntitySchema } = require("typeorm");\nmodule.exports = new EntitySchema({ name: "Account", tableName: "accounts", '
              'columns: { id: { type: Number, primary: true } } });\n')
    for name, setting in {"ent_neg": 'entities: ["lib/ent/!(*.spec).js"], migrations: ["migrations/*.js"]',
                          "ent_ext": 'entities: ["lib/ent/@(Account|User).js"], migrations: ["migrations/*.js"]',
                          "mg_ext": 'migrations: ["@(migrations|lib)/**/*.js"]',
                          "mg_ext2": 'migrations: ["+(migrations|lib)/**/*.js"]'}.items():
        blocked(s, name, {"package.json": TYPEORM_PACKAGE, "data-source.js": head + setting + " }) };\n", "lib/ent/User.js": entity,
                          "migrations/1700000000000-Init.js": TYPEORM_NOOP, "lib/x/1700000000001-Drop.js": TYPEORM_DROP},
                {("data-source.js", "unknown-statement", 2)})
    clean(s, "plain_globs", {"package.json": TYPEORM_PACKAGE, "lib/ent/User.js": entity, "migrations/1700000000000-Init.js": TYPEORM_NOOP,
                             "data-source.js": head + 'entities: ["lib/ent/*.js"], migrations: ["migrations/*.{js,ts}"] }) };\n'})


TSN_KNEXFILE = "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n"
TSN_PACKAGE = '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8","ts-node":"10","typescript":"5"}}\n'


def tsconfig_ts_node_require(s):
    """B14: knex loads a .ts knexfile through ts-node/register, which applies tsconfig.json's
    "ts-node" section first: its `require` ran lib/patch.js in knex's process, which replaced the
    helper the migration calls. analyze reports the entry; pr reports a pull request adding it.
    A section that requires only tsconfig-paths/register stays clean."""
    migration = "const h = require('../lib/helper'); exports.up = async k => { await h.run(k) }; exports.down = async () => {};\n"
    files = {"package.json": TSN_PACKAGE, "knexfile.ts": TSN_KNEXFILE, "migrations/20240101000000_s.js": migration,
             "lib/helper.js": 'exports.run = k => k.raw("SELECT 1");\n',
             "lib/patch.js": "require('./helper').run = async k => { await k.raw('DROP TABLE users') };\n",
             "tsconfig.json": '{"compilerOptions":{"module":"commonjs"},"ts-node":{"transpileOnly":true}}\n'}
    head = {"tsconfig.json": '{"compilerOptions":{"module":"commonjs"},\n "ts-node":{"transpileOnly":true,\n   "require":["./lib/patch.js"]}}\n'}
    blocked(s, "tsn_req", {**files, **head}, {("tsconfig.json", "unknown-statement", 3)})
    blocked(s, "tsn_compiler", {**files, "tsconfig.json": '{"ts-node":{"compiler":"./lib/patch.js"}}\n'}, {("tsconfig.json", "unknown-statement", 1)})
    clean(s, "tsn_hooks", {**files, "tsconfig.json": '{"compilerOptions":{"baseUrl":"."},"ts-node":{"transpileOnly":true,"require":["tsconfig-paths/register"]}}\n'})
    # pgfence pr of a pull request that adds only the require entry.
    repo = os.path.join(s.tmp, "tsn_pr")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    for path, text in files.items():
        write(os.path.join(repo, path), text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write(os.path.join(repo, "tsconfig.json"), head["tsconfig.json"])
    git(repo, "commit", "-qam", "head")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    out = os.path.join(s.tmp, "tsn_pr.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", repo, "--base", "main", "--head", "feature", "--format", f"json={out}",
                           "--no-sarif", "--no-check-run", "--no-comment"], env=env, capture_output=True, text=True, timeout=120)
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-2000:]}")
    report = json.load(open(out))
    found = {(f["path"], x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]}
    check(("tsconfig.json", "unknown-statement", 3) in found, f"pr reports the require entry: {sorted(found)}")


NP_PACKAGE = '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"7.9.1","pg":"8.11.0","config":"3"}}\n'
NP_NOOP = 'exports.up = (pgm) => { pgm.sql("SELECT 1"); };\nexports.down = () => {};\n'
NP_DROP = 'exports.up = (pgm) => { pgm.sql("DROP TABLE users"); };\nexports.down = () => {};\n'


def node_config_formats(s):
    """B7: node-config parses YAML, TOML, properties and hjson files too, and node-pg-migrate ran
    config/default.yaml's `migrations-dir: lib/x`. pgfence parses none of them: the line naming the
    key is unknown. A YAML config without node-pg-migrate's keys stays clean."""
    for name, (path, text, line) in {"np_yaml": ("config/default.yaml", "db:\n  migrations-dir: lib/x\n", 2),
                                     "np_prodyml": ("config/production.yml", "db:\n  migrations-dir: lib/x\n", 2),
                                     "np_toml": ("config/default.toml", '[db]\nmigrations-dir = "lib/x"\n', 2),
                                     "np_props": ("config/default.properties", "db.migrations-dir = lib/x\n", 1),
                                     "np_hjson": ("config/default.hjson", "{db: {migrations-dir: lib/x}}\n", 1),
                                     "np_yaml_escape": ("config/default.yaml", 'db:\n  "migrations\\x2ddir": lib/x\n', 2)}.items():
        blocked(s, name, {"package.json": NP_PACKAGE, path: text, "migrations/1700000000000_a.js": NP_NOOP, "lib/x/1700000000001_b.js": NP_DROP},
                {(path, "unknown-statement", line)})
    clean(s, "np_yaml_control", {"package.json": NP_PACKAGE, "config/default.yaml": "server:\n  port: 3000\n  host: example.com\n",
                                 "migrations/1700000000000_a.js": NP_NOOP})


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in (knex_writes, typeorm_writes, sequelizerc_compound_assign, folder_idioms_control, typeorm_extglobs,
                                           tsconfig_ts_node_require, node_config_formats)}))
