"""Which files the migration tool loads (red team R79 B10, B11, B14, B15, B3).

Each scenario is a repository a red team ran for real against PostgreSQL (knex 3.1, sequelize-cli
6, typeorm 0.3, node-pg-migrate 7): the users table was dropped while pgfence 159625b1 listed
only clean migrations, in `analyze` and in `pr`:
- B10: knex's `migrations.loadExtensions: ['.migration']` (lib/migrations/migrate/sources/
  fs-migrations.js keeps the files whose extension it lists and requires them): a .migration file
  must be unknown;
- B11: the project's own runner (`node scripts/migrate.js` wrapping knex, a bin/migrate whose
  shebang preloads code, npm's `premigrate` script) runs in the tool's process;
- B14: driver code in a module the knexfile loads, or in .sequelizerc;
- B15: a TypeORM data source's `entities` glob: TypeORM requires each match at initialisation;
- B3: a .up.sql/.down.sql pair node-pg-migrate runs (named only in a workflow) as two up migrations.
And red team R82a B6: a runner's computed or `.call`ed migrator verb, knex's query builder, options
naming folders, node-pg-migrate loaded through createRequire.
The controls (a plain runner, plain entity classes) stay clean.

    test_tool_loads.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import CALLS_HELPER, EVIL, HELPER, pull_request, unknown_at  # noqa: E402

KNEXFILE = "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n"
PATCH = f"require('./helper').run = {EVIL};\n"
DRIVER = ('const { Client } = require("pg");\n'
          "const c = new Client({ connectionString: process.env.DATABASE_URL });\n"
          'c.connect().then(() => c.query("DROP TABLE IF EXISTS users")).then(() => c.end());\n')
KNEX_BASE = {"knexfile.js": KNEXFILE, "lib/helper.js": HELPER, "lib/patch.js": PATCH,
             "migrations/20240101000000_s.js": CALLS_HELPER}


def package(scripts):
    return json.dumps({"name": "app", "scripts": scripts, "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}, indent=2) + "\n"


def analyze(s):
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"]}
             for file in report["files"] for f in file["findings"]]
    return proc, found


def gate_both(s, head, path, line, base):
    """`analyze --ci` fails with an unknown at `path`:`line`; `pr` fails with that line unknown or a
    migration-tool settings change (each needs a person)."""
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr}")
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")
    s.start_double()
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]]
    check(any(rule in ("unknown-statement", "migration-tool-settings-changed") and (p, n) == (path, line) for rule, p, n in results),
          f"pr: {path}:{line} needs a person: {results}")


def clean(s, head, base):
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 0 and not [f for f in found if f["rule"] == "unknown-statement"],
          f"analyze: nothing is unknown: exit {proc.returncode} {found}\n{proc.stderr[-500:]}")


def knex_load_extensions(s):
    """B10: the pull request adds a .migration file to a folder whose knexfile lists .migration."""
    knexfile = "module.exports = { client: 'pg', migrations: { directory: './migrations', loadExtensions: ['.migration'] } };\n"
    drop = 'exports.up = async k => { await k.raw("DROP TABLE users") };\nexports.down = async () => {};\n'
    base = {"knexfile.js": knexfile, "package.json": package({"migrate": "knex migrate:latest"}),
            "migrations/20240101000000_a.migration": 'exports.up = async k => { await k.raw("SELECT 1") };\n'}
    gate_both(s, {"migrations/20240201000000_b.migration": drop}, "migrations/20240201000000_b.migration", 1, base)


def knex_load_extensions_computed(s):
    """B10: a loadExtensions pgfence cannot read is unknown at its line."""
    knexfile = ("const exts = require('./exts.json');\n"
                "module.exports = { client: 'pg', migrations: { directory: './migrations', loadExtensions: exts } };\n")
    base = {"package.json": package({"migrate": "knex migrate:latest"}), "exts.json": '[".js"]\n',
            "migrations/20240101000000_a.js": 'exports.up = async k => { await k.raw("SELECT 1") };\n'}
    gate_both(s, {"knexfile.js": knexfile}, "knexfile.js", 2, base)


def runner_programmatic(s):
    """B11: scripts/migrate.js runs knex.migrate.latest() after loading a patch."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "node scripts/migrate.js"}),
            "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n'}
    head = {"scripts/migrate.js": 'require("../lib/patch");\n' + base["scripts/migrate.js"]}
    gate_both(s, head, "scripts/migrate.js", 1, base)


def runner_other_migrator(s):
    """settings81: the runner calls node-pg-migrate's runner() on a folder it computes before knex
    runs (real knex and node-pg-migrate dropped users; analyze exited 0 on 432d3fdf)."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "node scripts/migrate.js"}),
            "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n'}
    head = {"scripts/migrate.js": ("const knex = require('knex')(require('../knexfile'));\nconst { runner } = require('node-pg-migrate');\n"
                                   "(async () => {\n  await runner({ databaseUrl: process.env.DATABASE_URL, dir: ['lib', 'ops'].join('/'), direction: 'up' });\n"
                                   "  await knex.migrate.latest();\n  await knex.destroy();\n})();\n"),
            "lib/ops/1700000000000_x.js": "exports.up = (pgm) => { pgm.dropTable('users'); };\n"}
    gate_both(s, head, "scripts/migrate.js", 2, base)


def runner_rollback(s):
    """The runner calls knex.migrate.rollback(): the down halves run."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "node scripts/migrate.js"}),
            "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n'}
    head = {"scripts/migrate.js": ('const knex = require("knex")(require("../knexfile"));\n'
                                   "knex.migrate.latest().then(() => knex.migrate.rollback({}, true)).then(() => knex.destroy());\n")}
    gate_both(s, head, "scripts/migrate.js", 2, base)


def runner_raw(s):
    """B11: the runner sends SQL itself before the migrations."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "node scripts/migrate.js"}),
            "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n'}
    head = {"scripts/migrate.js": ('const knex = require("knex")(require("../knexfile"));\n'
                                   'knex.raw("DROP TABLE users").then(() => knex.migrate.latest()).then(() => knex.destroy());\n')}
    gate_both(s, head, "scripts/migrate.js", 2, base)


def runner_wrapper(s):
    """B11: a wrapper around knex's CLI."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "node scripts/migrate.js"}),
            "scripts/migrate.js": 'process.argv.splice(2, 0, "migrate:latest");\nrequire("knex/bin/cli.js");\n'}
    head = {"scripts/migrate.js": 'require("../lib/patch");\n' + base["scripts/migrate.js"]}
    gate_both(s, head, "scripts/migrate.js", 1, base)


def runner_workflow(s):
    """B11: a workflow step runs scripts/migrate.js; the pull request prepends the patch."""
    workflow = "on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n      - run: node scripts/migrate.js\n"
    base = {**KNEX_BASE, ".github/workflows/migrate.yml": workflow,
            "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n'}
    head = {"scripts/migrate.js": 'require("../lib/patch");\n' + base["scripts/migrate.js"]}
    gate_both(s, head, "scripts/migrate.js", 1, base)


def runner_shebang(s):
    """B11: bin/migrate's shebang has node preload the patch."""
    body = 'process.argv.splice(2, 0, "migrate:latest");\nrequire("knex/bin/cli.js");\n'
    base = {**KNEX_BASE, "package.json": package({"migrate": "./bin/migrate"}), "bin/migrate": "#!/usr/bin/env node\n" + body}
    head = {"bin/migrate": "#!/usr/bin/env -S node --require ./lib/patch.js\n" + body}
    gate_both(s, head, "bin/migrate", 1, base)


def premigrate(s):
    """B11: npm runs premigrate before migrate: its script opens pg and drops the table."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "knex migrate:latest", "premigrate": "node scripts/warm.js"}),
            "scripts/warm.js": "console.log('warming');\n"}
    gate_both(s, {"scripts/warm.js": DRIVER}, "scripts/warm.js", 1, base)


def knexfile_boot(s):
    """B14: the knexfile loads lib/boot.js, which opens pg."""
    base = {**KNEX_BASE, "package.json": package({"migrate": "knex migrate:latest"}), "lib/boot.js": DRIVER}
    gate_both(s, {"knexfile.js": "require('./lib/boot');\n" + KNEXFILE}, "knexfile.js", 1, base)


def sequelizerc_driver(s):
    """B14: .sequelizerc itself opens pg."""
    base = {"config/config.json": '{"development": {"dialect": "postgres", "host": "127.0.0.1", "database": "x"}}\n',
            "migrations/20240101000000-a.js": 'module.exports = { up: async (q) => { await q.sequelize.query("SELECT 1") }, down: async () => {} };\n',
            "package.json": json.dumps({"name": "app", "dependencies": {"sequelize": "6", "sequelize-cli": "6", "pg": "8"}}) + "\n"}
    head = {".sequelizerc": DRIVER + "const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('migrations') };\n"}
    gate_both(s, head, ".sequelizerc", 1, base)


TYPEORM_BASE = {
    "data-source.js": ("const { DataSource } = require('typeorm');\n"
                       "module.exports = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, "
                       "entities: ['entity/*.js'], migrations: ['migrations/*.js'] });\n"),
    "migrations/1700000000000-S.js": "module.exports = class S1700000000000 { async up(q) { await q.query('SELECT 1') } async down() {} };\n",
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "typeorm migration:run -d data-source.js"},
                                "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n",
}
ENTITY = ("const { EntitySchema } = require('typeorm');\n"
          "module.exports = new EntitySchema({ name: 'Thing', tableName: 'things', columns: { id: { type: 'int', primary: true } } });\n")


def typeorm_entity(s):
    """B15: an entity file the data source's glob names opens pg at load."""
    head = {"entity/User.js": "const { EntitySchema } = require('typeorm');\n" + DRIVER + ENTITY.split("\n", 1)[1]}
    gate_both(s, head, "entity/User.js", 2, {**TYPEORM_BASE, "entity/Thing.js": ENTITY})


def np_pair_workflow(s):
    """B3: node-pg-migrate, named only in a workflow, runs 1_x.down.sql as an up migration."""
    workflow = "on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx node-pg-migrate@7 up\n"
    base = {".github/workflows/deploy.yml": workflow, "migrations/1700000000000_init.sql": "-- Up Migration\nSELECT 1;\n"}
    head = {"migrations/1700000000001_cleanup.up.sql": "SELECT 1;\n", "migrations/1700000000001_cleanup.down.sql": "DROP TABLE users;\n"}
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci exits 1: {proc.returncode}\n{proc.stderr}")
    check(any(f["path"] == "migrations/1700000000001_cleanup.down.sql" and f["rule"] in ("drop-table", "unknown-statement") for f in found),
          f"analyze: the .down.sql is read as an up migration: {found}")


RUNNER_BASE = {**KNEX_BASE, "package.json": package({"migrate": "node scripts/migrate.js"}),
               "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n'}


def runner_uses(s, body, line):
    """Red team R82a B6: scripts/migrate.js uses knex other than `knex.migrate.latest()` (each ran
    for real on knex 3.1 and emptied or dropped users while 07666381's gate exited 0)."""
    gate_both(s, {"scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\n(async () => {\n' + body +
                  "  await knex.destroy();\n})();\n"}, "scripts/migrate.js", line, RUNNER_BASE)


def runner_computed_verb(s):
    runner_uses(s, '  await knex.migrate.latest();\n  await knex.migrate["rollback"]({}, true);\n', 4)


def runner_call(s):
    runner_uses(s, "  await knex.migrate.latest();\n  await knex.migrate.rollback.call(knex.migrate, {}, true);\n", 4)


def runner_query_builder(s):
    runner_uses(s, '  await knex.migrate.latest();\n  await knex("users").truncate();\n', 4)


def runner_directory(s):
    runner_uses(s, '  await knex.migrate.latest({ directory: ["./migrations", "./lib/x"] });\n', 3)


def runner_create_require(s):
    """B6 rn_npm: node-pg-migrate loaded through createRequire, its runner() on lib/x."""
    head = {"scripts/migrate.js": ('const load = require("module").createRequire(__filename);\nconst { runner } = load("node-pg-migrate");\n'
                                   'runner({ databaseUrl: process.env.DATABASE_URL, dir: "lib/x", direction: "up", migrationsTable: "pgmigrations" });\n'),
            "lib/x/1700000000001_b.js": "exports.up = (pgm) => { pgm.dropTable('users'); };\n"}
    gate_both(s, head, "scripts/migrate.js", 2, RUNNER_BASE)


def control_runner(s):
    """A typical scripts/migrate.js that only runs knex.migrate.latest(), and plain npm hooks: clean."""
    base = {**KNEX_BASE, "lib/patch.js": "module.exports = {};\n"}
    head = {"package.json": package({"migrate": "node scripts/migrate.js", "premigrate": "node scripts/check-env.js", "start": "node server.js"}),
            "scripts/migrate.js": ("require('dotenv').config();\nconst config = require('../knexfile');\n"
                                   "const knex = require('knex')(config);\n"
                                   "knex.migrate.latest().then(([batch, log]) => { console.log(batch, log); return knex.destroy(); });\n"),
            "scripts/check-env.js": "if (!process.env.DATABASE_URL) { console.error('DATABASE_URL'); process.exit(1); }\n",
            "server.js": DRIVER}
    clean(s, head, base)


def control_entities(s):
    """A TypeORM entity folder of plain entity classes: clean."""
    entity = ("const { EntitySchema } = require('typeorm');\nconst { Base } = require('./base');\n"
              "module.exports = new EntitySchema({ name: 'Post', tableName: 'posts', columns: { id: { type: 'int', primary: true } } });\n")
    head = {"entity/Post.js": entity, "entity/base.js": "exports.Base = class Base {};\n", "entity/Thing.js": ENTITY}
    clean(s, head, TYPEORM_BASE)


SCENARIOS = {
    "knex_load_extensions": knex_load_extensions,
    "knex_load_extensions_computed": knex_load_extensions_computed,
    "runner_programmatic": runner_programmatic,
    "runner_raw": runner_raw,
    "runner_other_migrator": runner_other_migrator,
    "runner_rollback": runner_rollback,
    "runner_wrapper": runner_wrapper,
    "runner_workflow": runner_workflow,
    "runner_shebang": runner_shebang,
    "premigrate": premigrate,
    "knexfile_boot": knexfile_boot,
    "sequelizerc_driver": sequelizerc_driver,
    "typeorm_entity": typeorm_entity,
    "np_pair_workflow": np_pair_workflow,
    "runner_computed_verb": runner_computed_verb,
    "runner_call": runner_call,
    "runner_query_builder": runner_query_builder,
    "runner_directory": runner_directory,
    "runner_create_require": runner_create_require,
    "control_runner": control_runner,
    "control_entities": control_entities,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
