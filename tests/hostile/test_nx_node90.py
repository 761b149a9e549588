"""nx targets and Node programs with a PostgreSQL driver (red team R89b F7, F8; issue #53).

F7: `npx nx run api:migrate` runs the nx:run-commands command of apps/api/project.json, which
pgfence did not read: analyze said so, but `pr` did not review project.json, so a pull request
turning that command into `npx knex migrate:rollback --all` passed. Now the command (its `command`
shorthand, `commands`, `{args.X}`, cwd, nx.json's targetDefaults) is read as a command line where
the deploy runs it, and project.json and nx.json are command files.
F8: `node scripts/cleanup.js` (or `npm run backfill`), the project's own Node program that loads
pg, was neither followed nor unknown. It is now unknown at the step, and a change to it needs a
person in `pr`, as a Ruby or Go program's does. Services and programs with no driver stay clean.

    test_nx_node90.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, gate_both, workflow  # noqa: E402
from test_own_runner import review  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

WF = ".github/workflows/deploy.yml"
UP = "npx knex migrate:latest --knexfile knexfile.js"
DOWN = "npx knex migrate:rollback --all --knexfile knexfile.js"


def project(name, targets):
    return json.dumps({"name": name, "targets": targets}, indent=2) + "\n"


def line_of(text, needle):
    return next(n for n, l in enumerate(text.split("\n"), 1) if needle in l)


# F7: nx targets.
def nx_apps(s):
    """apps/api/project.json's run-commands target, run by `npx nx run api:migrate`: the pull
    request changes only its command."""
    pj = lambda c: project("api", {"build": {"executor": "@nx/js:tsc", "options": {"main": "apps/api/src/main.ts"}},
                                   "migrate": {"executor": "nx:run-commands", "options": {"command": c, "cwd": "."}}})
    path = "apps/api/project.json"
    base = {**KNEX, "nx.json": "{}\n", path: pj(UP), WF: workflow("npm ci", "npx nx run api:migrate")}
    gate_both(s, {path: pj(DOWN)}, WF, 8, base=base, pr_at=(path, line_of(pj(DOWN), "rollback")))
    found = [f for f in analyze(s)[1] if f["path"] == WF]
    check(any("migrate of apps/api/project.json" in f["message"] and "rollback" in f["message"] for f in found), f"the step names the target: {found}")


def nx_root(s):
    """A standalone workspace: the root's project.json, the `command` shorthand with `{args.verb}`
    from its options; the pull request changes the option."""
    pj = lambda verb: project("app", {"migrate": {"command": "npx knex {args.verb} --knexfile knexfile.js", "options": {"verb": verb}}})
    base = {**KNEX, "nx.json": "{}\n", "project.json": pj("migrate:latest"), WF: workflow("npm ci", "npx nx run app:migrate")}
    gate_both(s, {"project.json": pj("migrate:rollback")}, WF, 8, base=base, pr_at=("project.json", line_of(pj("x"), "{args.verb}")))


def nx_target_defaults(s):
    """A target with no executor takes nx.json's targetDefaults command; the pull request changes nx.json."""
    nx = lambda c: json.dumps({"targetDefaults": {"migrate": {"command": c}}}, indent=2) + "\n"
    base = {**KNEX, "nx.json": nx(UP), "apps/api/project.json": project("api", {"migrate": {}}),
            WF: workflow("npm ci", "npx nx run-many -t migrate")}
    gate_both(s, {"nx.json": nx(DOWN)}, WF, 8, base=base, pr_at=("nx.json", line_of(nx(DOWN), "rollback")))


def nx_configuration(s):
    """`{args.verb}` a configuration sets (`nx run api:migrate:production`): each configuration's
    command is read; the pull request changes only the configuration."""
    pj = lambda verb: project("api", {"migrate": {"executor": "nx:run-commands",
                                                  "options": {"command": "npx knex {args.verb} --knexfile knexfile.js", "verb": "migrate:latest"},
                                                  "configurations": {"production": {"verb": verb}}}})
    path = "apps/api/project.json"
    base = {**KNEX, "nx.json": "{}\n", path: pj("migrate:latest"), WF: workflow("npm ci", "npx nx run api:migrate:production")}
    gate_both(s, {path: pj("migrate:rollback --all")}, WF, 8, base=base, pr_at=(path, line_of(pj("x"), "{args.verb}")))


# F8: Node programs that load a PostgreSQL driver.
CLEANUP = ('const { Client } = require("pg");\n\n// refresh planner statistics after the deploy\n(async () => {\n'
           '  const c = new Client({ connectionString: process.env.DATABASE_URL });\n  await c.connect();\n'
           '  await c.query("ANALYZE users");\n  await c.end();\n})();\n')


def node_cleanup(s):
    """`node scripts/cleanup.js` (pg's Client): unknown at the step; the pull request changing its SQL needs a person."""
    base = {**KNEX, "scripts/cleanup.js": CLEANUP, WF: workflow("npm ci && npx knex migrate:latest", "node scripts/cleanup.js")}
    gate_both(s, {"scripts/cleanup.js": CLEANUP.replace("ANALYZE users", "DROP TABLE users")}, WF, 8, base=base, pr_at=("scripts/cleanup.js", 1))
    found = [f for f in analyze(s)[1] if f["path"] == WF and f["line"] == 8]
    check(any("scripts/cleanup.js" in f["message"] and "Node" in f["message"] for f in found), f"the unknown names the program: {found}")


def node_backfill(s):
    """`npm run backfill` runs `tsx scripts/backfill.ts`, which loads ./db (postgres.js): the step is
    unknown, and a change to ./db, the module it loads, needs a person."""
    db = 'import postgres from "postgres";\nexport const sql = postgres(process.env.DATABASE_URL!);\n'
    fill = 'import { sql } from "./db";\n\nawait sql`UPDATE users SET email = lower(email)`;\nawait sql.end();\n'
    pkg = '{"name": "app", "scripts": {"backfill": "tsx scripts/backfill.ts", "start": "node server.js"}, "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n'
    base = {**KNEX, "package.json": pkg, "scripts/db.ts": db, "scripts/backfill.ts": fill, WF: workflow("npm ci", "npm run backfill")}
    gate_both(s, {"scripts/db.ts": db + 'export const drop = () => sql`DROP TABLE users`;\n'}, WF, 8, base=base, pr_at=("scripts/db.ts", 1))


def control_node_nx(s):
    """A service that loads pg (`node server.js` in the start script, a Dockerfile's CMD, a Procfile's
    web), a build script with no driver, a seed script only a dev script runs, an nx build target
    and a target of another executor no deploy runs: nothing unknown; changing them stays quiet."""
    server = 'const { Pool } = require("pg");\nconst pool = new Pool();\nrequire("http").createServer(async (q, r) => r.end(String((await pool.query("SELECT 1")).rowCount))).listen(3000);\n'
    seed = 'const { Client } = require("pg");\nnew Client().connect().then((c) => c.query("INSERT INTO users (email) VALUES (\'a@x\')"));\n'
    pkg = ('{"name": "app", "scripts": {"start": "node server.js", "build": "node scripts/build.js", "dev": "node scripts/seed.js && node server.js"},'
           ' "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n')
    base = {**KNEX, "package.json": pkg, "server.js": server, "scripts/seed.js": seed, "scripts/build.js": 'require("fs").mkdirSync("dist", { recursive: true });\n',
            "src/index.js": server, "Dockerfile": 'FROM node:20\nCOPY . .\nCMD ["node", "server.js"]\n', "Procfile": "web: node src/index.js\n",
            "nx.json": "{}\n",
            "apps/api/project.json": project("api", {"build": {"executor": "nx:run-commands", "options": {"command": "node scripts/build.js"}},
                                                     "serve": {"executor": "@nx/js:node", "options": {"buildTarget": "api:build"}},
                                                     "migrate": {"command": UP}}),
            WF: workflow("npm ci", "npx nx run api:build", "npx nx run api:migrate", "npm run build", "node scripts/build.js", "npm start &")}
    proc, found = review(s, base, {"server.js": server.replace("SELECT 1", "SELECT 2"), "scripts/seed.js": seed.replace("a@x", "b@x"),
                                   "apps/api/project.json": base["apps/api/project.json"].replace("scripts/build.js", "scripts/build.js --minify")})
    check(not [f for f in found if f["rule"] in ("unknown-statement", "migration-tool-settings-changed")], f"pr: nothing needs a person: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")
    check(proc.returncode == 0, f"analyze --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


# Red team R90 F5: drivers through an ORM or query builder, a folder's index.js, and bare
# specifiers that name the repository's own code.
USE = ('const pool = require("%s");\n\n// refresh planner statistics after the deploy\n(async () => {\n'
       '  await pool.query("ANALYZE users");\n  await pool.end();\n})();\n')
POOL = 'const { Pool } = require("pg");\nmodule.exports = new Pool({ connectionString: process.env.DATABASE_URL });\n'


def gate_program(s, files, step, changed, pkg=None):
    """The deploy step `step` runs a program whose `changed` file the pull request turns to DROP TABLE."""
    base = {**KNEX, **files, WF: workflow("npm ci", "npx knex migrate:latest", step)}
    if pkg:
        base["package.json"] = json.dumps(pkg) + "\n"
    gate_both(s, {changed: base[changed].replace("ANALYZE users", "DROP TABLE users")}, WF, 9, base=base, pr_at=(changed, 1))


def node_knex_raw(s):
    """A deploy script that loads knex with the knexfile and runs knex.raw(), no migration: unknown."""
    cleanup = ('const knex = require("knex")(require("../knexfile"));\n\n(async () => {\n'
               '  await knex.raw("ANALYZE users");\n  await knex.destroy();\n})();\n')
    gate_program(s, {"scripts/cleanup.js": cleanup}, "node scripts/cleanup.js", "scripts/cleanup.js")


def node_pg_pool(s):
    """pg-pool, node-postgres' own pool package."""
    cleanup = ('const Pool = require("pg-pool");\nconst pool = new Pool({ connectionString: process.env.DATABASE_URL });\n\n'
               '(async () => {\n  await pool.query("ANALYZE users");\n  await pool.end();\n})();\n')
    gate_program(s, {"scripts/cleanup.js": cleanup}, "node scripts/cleanup.js", "scripts/cleanup.js")


def node_index_dir(s):
    """`node scripts/cleanup` loads scripts/cleanup/index.js: named `cleanup`, no service."""
    gate_program(s, {"scripts/cleanup/db.js": POOL, "scripts/cleanup/index.js": USE % "./db"}, "node scripts/cleanup", "scripts/cleanup/index.js")


def node_workspace(s):
    """The driver is loaded through `@acme/db`, an npm workspace package (packages/db)."""
    pkg = {"name": "app", "workspaces": ["packages/*"], "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}
    files = {"packages/db/package.json": '{"name": "@acme/db", "version": "1.0.0", "main": "lib/pool.js"}\n', "packages/db/lib/pool.js": POOL,
             "scripts/cleanup.js": USE % "@acme/db"}
    gate_program(s, files, "node scripts/cleanup.js", "scripts/cleanup.js", pkg)


def node_subpath(s):
    """The driver is loaded through `#db`, a package.json `imports` entry (Node's subpath imports)."""
    pkg = {"name": "app", "imports": {"#db": "./lib/db.js"}, "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}
    gate_program(s, {"lib/db.js": POOL, "scripts/cleanup.js": USE % "#db"}, "node scripts/cleanup.js", "scripts/cleanup.js", pkg)


def node_ts_paths(s):
    """The driver is loaded through `@/lib/db`, a tsconfig.json `compilerOptions.paths` alias (tsx reads it)."""
    ts = '{\n  // path aliases\n  "compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}\n}\n'
    gate_program(s, {"tsconfig.json": ts, "src/lib/db.ts": POOL, "scripts/cleanup.ts": USE % "@/lib/db"}, "npx tsx scripts/cleanup.ts", "scripts/cleanup.ts")


def control_node_knex_app(s):
    """The application's own start, which loads knex: a package's `main` a step runs (`node apps/backend`),
    its start script, a Procfile's web, a Dockerfile's CMD; a script whose workspace package has no
    driver; a script that runs knex's migrations. Nothing is unknown."""
    app = 'const knex = require("knex")(require("../../../knexfile"));\nrequire("http").createServer(async (q, r) => r.end(String(await knex.raw("SELECT 1")))).listen(3000);\n'
    pkg = {"name": "app", "workspaces": ["packages/*"], "scripts": {"start": "node apps/backend/lib/index.js"},
           "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}
    base = {**KNEX, "package.json": json.dumps(pkg) + "\n", "apps/backend/package.json": '{"name": "backend", "main": "lib/index.js"}\n',
            "apps/backend/lib/index.js": app, "src/main.js": app.replace("../../../knexfile", "../knexfile"),
            "packages/util/package.json": '{"name": "@acme/util", "main": "index.js"}\n', "packages/util/index.js": "module.exports = (x) => x;\n",
            "scripts/build.js": 'const id = require("@acme/util");\nrequire("fs").mkdirSync(id("dist"), { recursive: true });\n',
            "scripts/migrate.js": 'const knex = require("knex")(require("../knexfile"));\nknex.migrate.latest().then(() => knex.destroy());\n',
            "Dockerfile": 'FROM node:20\nCOPY . .\nCMD ["node", "src/main.js"]\n', "Procfile": "web: node src/main.js\n",
            WF: workflow("npm ci", "node scripts/build.js", "node scripts/migrate.js", "npm start &", "node apps/backend &")}
    proc, found = review(s, base, {"apps/backend/lib/index.js": app.replace("SELECT 1", "SELECT 2"), "src/main.js": base["src/main.js"].replace("SELECT 1", "SELECT 2")})
    check(not [f for f in found if f["rule"] in ("unknown-statement", "migration-tool-settings-changed")], f"pr: nothing needs a person: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")
    check(proc.returncode == 0, f"analyze --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


def node_api_named_script(s):
    """`node scripts/purge-api-tokens.js`: a one-off program that names what it works on, not a
    service (a service word is a name's first or last part: red team R90b G1)."""
    gate_program(s, {"scripts/db.js": POOL, "scripts/purge-api-tokens.js": USE % "./db"}, "node scripts/purge-api-tokens.js",
                 "scripts/purge-api-tokens.js")


def node_esno_runner(s):
    """`npx esno scripts/cleanup.ts` and `npx vite-node ...`: TypeScript runners as tsx is (red team R90b G10)."""
    gate_program(s, {"scripts/db.js": POOL, "scripts/cleanup.ts": USE % "./db"}, "npx esno scripts/cleanup.ts", "scripts/cleanup.ts")


SCENARIOS = {f.__name__: f for f in [node_api_named_script, node_esno_runner, nx_apps, nx_root, nx_target_defaults, nx_configuration, node_cleanup, node_backfill, control_node_nx,
                                     node_knex_raw, node_pg_pool, node_index_dir, node_workspace, node_subpath, node_ts_paths,
                                     control_node_knex_app]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
