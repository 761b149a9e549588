"""Runner scripts default-deny past knex (issue #53 item 1). A project's own `node scripts/migrate.js`
may drive TypeORM, Sequelize or umzug; only the call that runs the pending migrations up is read
(TypeORM's `ds.runMigrations()`, umzug's `up()`), and any other use of the data source, the
Sequelize instance or the umzug migrator is unknown at its line:
- typeorm_local_data_source: the runner imports the data source from ../data-source (it never
  loads typeorm itself) and empties users through `manager.clear` after runMigrations(): pgfence
  67ca1bf6 did not take the script for a runner and exited 0;
- typeorm_query_runner: `ds.createQueryRunner().dropTable("users")` in a runner that loads typeorm;
- sequelize_truncate: an umzug runner's `sequelize.truncate()` (sequelize 6 src/sequelize.js
  truncate()) after `umzug.up()`;
- umzug_rerun: `umzug.up({ migrations: [...], rerun: "ALLOW" })` (umzug 3 up() reruns them).
The controls, a plain TypeORM runner and a plain umzug + sequelize runner, have no such unknown.
Red team R83b H7: TypeORM's initialize() resolves to the data source (typeorm 0.3
src/data-source/DataSource.ts, `return this`), so the names its result reaches are the data
source too; pgfence a9cc560b followed none of them and exited 0:
- typeorm_then_param: `AppDataSource.initialize().then(async (ds) => ...)`, then
  `ds.createQueryRunner().dropTable("users")` (DROP TABLE);
- typeorm_promise_all: `const [ds] = await Promise.all([AppDataSource.initialize()])`, then
  `ds.manager.clear("users")` (TRUNCATE);
- typeorm_result_aliases: five runners, each reaching the data source another way (a member of
  the awaited result, a destructured `manager`, `.then(run)`, a `.then` chain handing it on, a
  function returning it), each unknown at its line;
- umzug_inline_context: a migration written in an umzug runner uses its `context` (the query
  interface) to drop a table: unknown at that line, not only where umzug loads;
- typeorm_template: `${await AppDataSource.manager.clear("users")}` in a template string (the
  default-deny read no template's code);
- typeorm_settings_read (false alarm): logging `AppDataSource.options.database`, `.driver.database`,
  `.migrations.length` reads settings and sends nothing: not unknown;
- typeorm_then_controls: the documented `.then` forms that only run the migrations stay clean.

    test_runner_default_deny.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402
from test_tool_loads import analyze, gate_both  # noqa: E402

TYPEORM_RUNNER = ('const { AppDataSource } = require("../data-source");\n'
                  "(async () => {\n"
                  "  await AppDataSource.initialize();\n"
                  "  await AppDataSource.runMigrations();\n"
                  "  await AppDataSource.destroy();\n"
                  "})();\n")
TYPEORM_BASE = {
    "data-source.js": ("const { DataSource } = require('typeorm');\n"
                       "exports.AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, "
                       "migrations: ['migrations/*.js'] });\n"),
    "migrations/1700000000000-S.js": "module.exports = class S1700000000000 { async up(q) { await q.query('SELECT 1') } async down() {} };\n",
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "node scripts/migrate.js"},
                                "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n",
    "scripts/migrate.js": TYPEORM_RUNNER,
}

UMZUG_RUNNER = ('const { Umzug, SequelizeStorage } = require("umzug");\n'
                'const { Sequelize } = require("sequelize");\n'
                "const sequelize = new Sequelize(process.env.DATABASE_URL);\n"
                'const umzug = new Umzug({ migrations: { glob: "migrations/*.js" }, context: sequelize.getQueryInterface(), '
                "storage: new SequelizeStorage({ sequelize }), logger: console });\n"
                "(async () => {\n"
                "  await sequelize.authenticate();\n"
                "  await umzug.up();\n"
                "{extra}"
                "  await sequelize.close();\n"
                "})();\n")
UMZUG_BASE = {
    "migrations/20240101000000-a.js": ("exports.up = async ({ context: queryInterface }) => { await queryInterface.sequelize.query('SELECT 1'); };\n"
                                       "exports.down = async () => {};\n"),
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "node scripts/migrate.js"},
                                "dependencies": {"umzug": "3.8.0", "sequelize": "6.37.0", "pg": "8"}}) + "\n",
    "scripts/migrate.js": UMZUG_RUNNER.replace("{extra}", ""),
}


def typeorm_local_data_source(s):
    body = TYPEORM_RUNNER.replace("  await AppDataSource.destroy();\n", '  await AppDataSource.manager.clear("users");\n  await AppDataSource.destroy();\n')
    gate_both(s, {"scripts/migrate.js": body}, "scripts/migrate.js", 5, TYPEORM_BASE)


def typeorm_query_runner(s):
    body = ('const { DataSource } = require("typeorm");\n'
            'const ds = new DataSource({ type: "postgres", url: process.env.DATABASE_URL, migrations: ["migrations/*.js"] });\n'
            "ds.initialize().then(async () => {\n"
            "  await ds.runMigrations();\n"
            '  await ds.createQueryRunner().dropTable("users");\n'
            "  await ds.destroy();\n"
            "});\n")
    # The script is a data source too: pr may name its settings change (line 2) rather than line 5.
    pull_request(s, {"scripts/migrate.js": body}, TYPEORM_BASE)
    proc, found = analyze(s)
    check(proc.returncode == 1 and unknown_at(found, "scripts/migrate.js", 5), f"analyze: unknown at scripts/migrate.js:5: {found}")
    s.start_double()
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low")
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")


def sequelize_truncate(s):
    gate_both(s, {"scripts/migrate.js": UMZUG_RUNNER.replace("{extra}", "  await sequelize.truncate({ cascade: true });\n")},
              "scripts/migrate.js", 8, UMZUG_BASE)


def umzug_rerun(s):
    body = UMZUG_RUNNER.replace("  await umzug.up();\n", '  await umzug.up({ migrations: ["20240101000000-a.js"], rerun: "ALLOW" });\n')
    gate_both(s, {"scripts/migrate.js": body.replace("{extra}", "")}, "scripts/migrate.js", 7, UMZUG_BASE)


def control(s):
    """Plain runners: the TypeORM one clean; the umzug one unknown only where it loads umzug (its
    glob is not a folder pgfence reads), never at its sequelize or umzug calls."""
    ts = ('import { AppDataSource } from "../data-source";\n'
          "AppDataSource.initialize().then(async (ds) => {\n"
          '  await ds.runMigrations({ transaction: "each" });\n'
          "  if (AppDataSource.isInitialized) await ds.destroy();\n"
          "});\n")
    pull_request(s, {"scripts/migrate.js": ts, "scripts/umzug.js": UMZUG_RUNNER.replace("{extra}", ""),
                     "package.json": json.dumps({"name": "app", "scripts": {"migrate": "node scripts/migrate.js", "umzug": "node scripts/umzug.js"},
                                                 "dependencies": {"typeorm": "0.3.20", "umzug": "3.8.0", "sequelize": "6.37.0", "pg": "8"}}) + "\n"},
                 TYPEORM_BASE)
    proc, found = analyze(s)
    unknown = [(f["path"], f["line"]) for f in found if f["rule"] == "unknown-statement"]
    check(("scripts/umzug.js", 1) in unknown, f"the umzug load is unknown: {found}\n{proc.stderr[-500:]}")
    check(unknown == [("scripts/umzug.js", 1)], f"nothing else is unknown: {unknown}")


def typeorm_then_param(s):
    body = ('const { AppDataSource } = require("../data-source");\n'
            "AppDataSource.initialize().then(async (ds) => {\n"
            "  await AppDataSource.runMigrations();\n"
            '  await ds.createQueryRunner().dropTable("users");\n'
            "  await ds.destroy();\n"
            "});\n")
    gate_both(s, {"scripts/migrate.js": body}, "scripts/migrate.js", 4, TYPEORM_BASE)


def typeorm_promise_all(s):
    body = ('const { AppDataSource } = require("../data-source");\n'
            "(async () => {\n"
            "  const [ds] = await Promise.all([AppDataSource.initialize()]);\n"
            "  await AppDataSource.runMigrations();\n"
            '  await ds.manager.clear("users");\n'
            "})();\n")
    gate_both(s, {"scripts/migrate.js": body}, "scripts/migrate.js", 5, TYPEORM_BASE)


HEAD = 'const { AppDataSource } = require("../data-source");\n'
ALIASES = {  # script: (body, the line that drops or empties users)
    "scripts/member.js": ("(async () => {\n  await AppDataSource.runMigrations();\n"
                          '  await (await AppDataSource.initialize()).manager.clear("users");\n})();\n', 4),
    "scripts/destructure.js": ("(async () => {\n  const { manager } = await AppDataSource.initialize();\n"
                               '  await AppDataSource.runMigrations();\n  await manager.clear("users");\n})();\n', 5),
    "scripts/named.js": ("AppDataSource.initialize().then(run);\nasync function run(d) {\n  await AppDataSource.runMigrations();\n"
                         '  await d.manager.clear("users");\n}\n', 5),
    "scripts/chain.js": ("AppDataSource.initialize()\n  .then(function (ds) { return ds; })\n  .then(async (d) => {\n"
                         '    await AppDataSource.runMigrations();\n    await d.manager.clear("users");\n  });\n', 6),
    "scripts/returned.js": ("async function init() {\n  return AppDataSource.initialize();\n}\n(async () => {\n"
                            '  const ds = await init();\n  await AppDataSource.runMigrations();\n  await ds.manager.clear("users");\n})();\n', 3),
}


def typeorm_result_aliases(s):
    head = {path: HEAD + body for path, (body, _) in ALIASES.items()}
    head["package.json"] = json.dumps({"name": "app", "scripts": {os.path.basename(p)[:-3]: "node " + p for p in ALIASES},
                                       "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n"
    pull_request(s, head, TYPEORM_BASE)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr[-500:]}")
    for path, (_, line) in ALIASES.items():
        check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")
    s.start_double()
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low")
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")


def umzug_inline_context(s):
    body = UMZUG_RUNNER.replace('migrations: { glob: "migrations/*.js" }, ',
                                'migrations: [{ name: "01-x", up: async ({ context: qi }) => {\n'
                                '  await qi.dropTable("users");\n'
                                "} }], ")
    gate_both(s, {"scripts/migrate.js": body.replace("{extra}", "")}, "scripts/migrate.js", 5, UMZUG_BASE)


def typeorm_template(s):
    body = TYPEORM_RUNNER.replace("  await AppDataSource.destroy();\n", '  console.log(`emptied ${await AppDataSource.manager.clear("users")}`);\n')
    gate_both(s, {"scripts/migrate.js": body}, "scripts/migrate.js", 5, TYPEORM_BASE)


def clean_runners(s, scripts):
    head = dict(scripts)
    head["package.json"] = json.dumps({"name": "app", "scripts": {os.path.basename(p)[:-3]: "node " + p for p in scripts},
                                       "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n"
    pull_request(s, head, TYPEORM_BASE)
    proc, found = analyze(s)
    unknown = [(f["path"], f["line"]) for f in found if f["rule"] == "unknown-statement"]
    check(proc.returncode == 0 and not unknown, f"analyze: nothing is unknown: exit {proc.returncode} {unknown}\n{proc.stderr[-500:]}")


def typeorm_settings_read(s):
    body = ("(async () => {\n"
            '  console.log("migrating", AppDataSource.options.database, "on", AppDataSource.options.type);\n'
            "  if (!AppDataSource.isInitialized) await AppDataSource.initialize();\n"
            "  const done = await AppDataSource.runMigrations();\n"
            "  console.log(`ran on ${AppDataSource.options.database}`);\n"
            "  console.log(done.length, AppDataSource.migrations.length, AppDataSource.driver.database, AppDataSource.entityMetadatas.length);\n"
            "  await AppDataSource.destroy();\n"
            "})();\n")
    clean_runners(s, {"scripts/migrate.js": HEAD + body})


def typeorm_then_controls(s):
    clean_runners(s, {
        "scripts/promise.js": HEAD + ("AppDataSource.initialize()\n  .then(() => AppDataSource.runMigrations())\n"
                                      "  .then(() => AppDataSource.destroy())\n  .catch((e) => { console.error(e); process.exit(1); });\n"),
        "scripts/handed.js": HEAD + ('AppDataSource.initialize().then((ds) => { console.log("connected"); return ds; }).then(async (ds) => {\n'
                                     "  await ds.runMigrations();\n  await ds.destroy();\n});\n"),
        "scripts/named.js": HEAD + ("AppDataSource.initialize().then(run).catch(console.error);\nasync function run(ds) {\n"
                                    "  await ds.runMigrations();\n  await ds.destroy();\n}\n"),
        "scripts/awaited.js": HEAD + ("(async () => {\n  const [ds] = await Promise.all([AppDataSource.initialize()]);\n"
                                      '  await ds.runMigrations({ transaction: "each" });\n  await ds.destroy();\n})();\n'),
    })


def typeorm_runner_too_large(s):
    """runner84: a runner padded past 1 MiB (what pgfence reads of a file a script names) was not read
    and not said: it is unknown at its line 1, in analyze and in pr."""
    body = TYPEORM_RUNNER.replace("  await AppDataSource.destroy();\n", '  await AppDataSource.manager.clear("users");\n') + "// " + "x" * (1100 * 1024) + "\n"
    gate_both(s, {"scripts/migrate.js": body}, "scripts/migrate.js", 1, TYPEORM_BASE)


def knexfile_too_large(s):
    """A tool's settings file padded past 1 MiB is unknown at its line 1 in analyze too (pr said it)."""
    big = 'module.exports = { client: "pg", migrations: { directory: "./db" } };\n// ' + "x" * (1100 * 1024) + "\n"
    gate_both(s, {"knexfile.js": big}, "knexfile.js", 1, TYPEORM_BASE)


SCENARIOS = {
    "knexfile_too_large": knexfile_too_large,
    "typeorm_runner_too_large": typeorm_runner_too_large,
    "typeorm_local_data_source": typeorm_local_data_source,
    "typeorm_query_runner": typeorm_query_runner,
    "sequelize_truncate": sequelize_truncate,
    "umzug_rerun": umzug_rerun,
    "control": control,
    "typeorm_then_param": typeorm_then_param,
    "typeorm_promise_all": typeorm_promise_all,
    "typeorm_result_aliases": typeorm_result_aliases,
    "umzug_inline_context": umzug_inline_context,
    "typeorm_template": typeorm_template,
    "typeorm_settings_read": typeorm_settings_read,
    "typeorm_then_controls": typeorm_then_controls,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
