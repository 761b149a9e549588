"""A pull request that changes only a helper module merged migrations load (issue #53 item 2).

A knex migration `require("../lib/helper")`s a helper pgfence follows when it analyses
the migration. The pull request leaves every migration unchanged and makes the helper
`knex.schema.dropTable("users")`: a fresh deploy, CI's database and every environment that has not
run the migration yet now drop users. pgfence 67ca1bf6's `pr` saw no changed migration and passed.
As for a function body behind an unchanged merged call (test_pr_replaced_callers.py,
bot/pr_callers.hpp), the merged migrations that load a changed module are reviewed with the pull
request, read with the new helper:
- require: `require("../lib/helper")` (a helper inside the migrations folder is a migration file
  of its own to pr, and reviewed as one);
- import: a TypeScript migration's `import { drop } from "../lib/sql"` (the extension left out);
- tsconfig_paths: item 3: the merged TypeScript migration's `import { drop } from "helpers/drop"`
  loaded no repository file (pgfence reported it unknown, and the base signed it off); the pull
  request adds a tsconfig.json with `baseUrl: "."`, and ts-node with tsconfig-paths now loads
  helpers/drop.ts, which drops users;
- control: the pull request changes a module no migration loads, and pr passes;
- tsconfig_control: it adds a tsconfig.json with `baseUrl` to a project whose TypeScript migrations
  import only packages (`knex`) and relative helpers: no migration is reviewed, and pr passes.
Loads by a computed name (red team R83b H3): pr follows them as analyze does, folding
`path.join/resolve(__dirname, ...)`, `${__dirname}/...`, `new URL("...", import.meta.url)` and a
require made by createRequire; a load it cannot resolve makes the migration reviewed when a file
it may reach changes (under the folded part, else any script or JSON file of the repository):
- path_join: `require(path.join(__dirname, "../lib/helper"))` (pgfence 83's pr passed);
- resolve_import: `await import(path.resolve(__dirname, "..", "lib", "helper.js"))`;
- template: `` require(`${__dirname}/../lib/helper`) ``;
- url: an ES module's `import(fileURLToPath(new URL("../lib/helper.js", import.meta.url)))`;
- create_require: `createRequire(new URL("../lib/index.js", import.meta.url))("./helper")`: a require
  made from another file resolves from that file's folder, not the migration's;
- partial: `` require(`${__dirname}/../lib/${name}`) ``: under lib/, a change to lib/helper.js;
- dynamic: `require(process.env.AUDIT_HELPER || "../lib/helper")`: any script;
- control_folded: migrations whose computed loads all fold to files, and a pull request that
  changes src/other.js: no migration is reviewed, and pr passes;
- control_partial: the partial migration, and a pull request that changes src/other.js: passes.
Files a migration reads and packages of the repository's workspace (red team R85a F2, F3):
- sql_read: `knex.raw(fs.readFileSync(path.join(__dirname, "../sql/audit.sql")))`; the pull request
  changes only sql/audit.sql, to `DROP TABLE users` (pgfence 85's pr passed);
- sql_read_cwd: `readFileSync("db/sql/audit.sql")` imported from node:fs, a path from the working
  folder (which pgfence does not know): a changed file whose path ends with it;
- sql_read_unknown: `fs.promises.readFile(process.env.AUDIT_SQL)`: any changed file;
- control_sql: the sql_read migration, and a pull request that changes sql/other.sql: passes;
- read_stream, read_alias, read_bracket, read_filehandle (red team R86 F1): fs.createReadStream, a
  `const rf = fs.readFileSync`, `fs["readFileSync"]`, a FileHandle's readFile: reads pgfence does not
  name, so any changed file (pgfence 86's pr passed); control_sql_destructured: a destructured
  readFileSync is named, and a change to sql/other.sql passes;
- workspace: `require("@app/dbh")`, an npm workspace package (package.json "workspaces") at
  packages/dbh; the pull request changes packages/dbh/index.js (pgfence 85's pr passed);
- pnpm_workspace: the same package listed by pnpm-workspace.yaml, depended on as `workspace:*`,
  its entry lib/main.js by "main";
- control_npm_package: in that workspace, a migration that loads lodash (a registry version), and
  a pull request that changes the workspace package no migration loads: passes.

    test_pr_helper_changes.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_link_targets import repository  # noqa: E402
from test_tool_reach import check_run, pr_findings  # noqa: E402

KNEX = {"knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
        "package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n'}
CREATE = 'exports.run = async function (knex) {\n  await knex.schema.createTable("audit", (t) => { t.increments("id"); });\n};\n'
DROP = 'exports.run = async function (knex) {\n  await knex.schema.dropTable("users");\n};\n'
MIGRATION = ('const helper = require("../lib/helper");\n'
             "exports.up = async function (knex) {\n  await helper.run(knex);\n};\nexports.down = async function () {};\n")
USERS = 'exports.up = async function (knex) {\n  await knex.schema.createTable("users", (t) => { t.increments("id"); });\n};\n' \
        "exports.down = async function () {};\n"
BASE = {**KNEX, "migrations/20240101000000_users.js": USERS, "migrations/20240101000001_audit.js": MIGRATION,
        "lib/helper.js": CREATE}


def reviewed(s, base, head, caller):
    repository(s, base, {}, head)
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check(f"{caller} loads a module, or a path alias, this pull request changes" in proc.stderr, f"pr reviews {caller}:\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check(any(f[0] == caller and f[1] != "unknown-statement" for f in found), f"pr reports what {caller} now runs: {sorted(found)}")
    check(check_run(s).get("conclusion") == "failure", "the check run fails")
    s.all_requests_valid()


def require(s):
    reviewed(s, BASE, {"lib/helper.js": DROP}, "migrations/20240101000001_audit.js")


def import_ts(s):
    ts_helper = 'import { Knex } from "knex";\nexport async function drop(knex: Knex) {\n  await knex.schema.{verb};\n}\n'
    migration = ('import { Knex } from "knex";\nimport { drop } from "../lib/sql";\n'
                 "export async function up(knex: Knex) {\n  await drop(knex);\n}\nexport async function down() {}\n")
    base = {**KNEX, "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations", extension: "ts" } };\n',
            "migrations/20240101000000_users.ts": USERS, "migrations/20240101000001_audit.ts": migration,
            "lib/sql.ts": ts_helper.replace("{verb}", 'createTable("audit", (t) => { t.increments("id"); })')}
    reviewed(s, base, {"lib/sql.ts": ts_helper.replace("{verb}", 'dropTable("users")')}, "migrations/20240101000001_audit.ts")


def tsconfig_paths(s):
    helper = 'import { Knex } from "knex";\nexport async function drop(knex: Knex) {\n  await knex.schema.dropTable("users");\n}\n'
    migration = ('import { Knex } from "knex";\nimport { drop } from "helpers/drop";\n'
                 "export async function up(knex: Knex) {\n  await drop(knex);\n}\nexport async function down() {}\n")
    base = {**KNEX, "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations", extension: "ts" } };\n',
            "migrations/20240101000000_users.ts": USERS, "migrations/20240101000001_audit.ts": migration, "helpers/drop.ts": helper}
    tsconfig = '{ "compilerOptions": { "baseUrl": ".", "paths": { "helpers/*": ["helpers/*"] } } }\n'
    reviewed(s, base, {"tsconfig.json": tsconfig}, "migrations/20240101000001_audit.ts")


def control(s):
    repository(s, BASE, {}, {"lib/other.js": DROP})
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check("this pull request changes: reviewed" not in proc.stderr, f"no migration is reviewed:\n{proc.stderr[-1500:]}")


def tsconfig_control(s):
    helper = 'import { Knex } from "knex";\nexport async function make(knex: Knex) {\n  await knex.schema.createTable("audit", (t) => { t.increments("id"); });\n}\n'
    migration = ('import { Knex } from "knex";\nimport { make } from "../lib/sql";\n'
                 "export async function up(knex: Knex) {\n  await make(knex);\n}\nexport async function down() {}\n")
    base = {**KNEX, "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations", extension: "ts" } };\n',
            "migrations/20240101000000_users.ts": USERS, "migrations/20240101000001_audit.ts": migration, "lib/sql.ts": helper}
    repository(s, base, {}, {"tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "strict": true } }\n'})
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check("this pull request changes: reviewed" not in proc.stderr, f"no migration is reviewed:\n{proc.stderr[-1500:]}")


def computed(migration, name="migrations/20240101000001_audit.js", extra=None):
    return {**KNEX, "migrations/20240101000000_users.js": USERS, name: migration, "lib/helper.js": CREATE, **(extra or {})}


UP = "exports.up = async function (knex) {\n  await helper.run(knex);\n};\nexports.down = async function () {};\n"
AUDIT = "migrations/20240101000001_audit.js"


FOLDED = "loads a module, or a path alias, this pull request changes: reviewed with it"
UNRESOLVED = "loads a module by a name pgfence cannot resolve, which may be a file this pull request changes: reviewed with it"


def unknown_reviewed(s, base, head, caller, line, why=FOLDED):
    """pr reviews `caller` (`why`: its load folded to the changed file, or not resolved) and fails
    with the unknown at `line` (the load analyze does not follow) new."""
    repository(s, base, {}, head)
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check(f"{caller} {why}" in proc.stderr, f"pr reviews {caller} ({why}):\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check((caller, "unknown-statement", line) in found, f"pr reports the load at {caller}:{line} unknown: {sorted(found)}")
    check(check_run(s).get("conclusion") == "failure", "the check run fails")
    s.all_requests_valid()


def passes(s, base, head):
    repository(s, base, {}, head)
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check("reviewed with it" not in proc.stderr, f"no migration is reviewed:\n{proc.stderr[-1500:]}")


def path_join(s):
    migration = 'const path = require("path");\nconst helper = require(path.join(__dirname, "../lib/helper"));\n' + UP
    reviewed(s, computed(migration), {"lib/helper.js": DROP}, AUDIT)


def resolve_import(s):
    migration = ('const path = require("path");\nexports.up = async function (knex) {\n'
                 '  const helper = await import(path.resolve(__dirname, "..", "lib", "helper.js"));\n  await helper.run(knex);\n};\n'
                 "exports.down = async function () {};\n")
    unknown_reviewed(s, computed(migration), {"lib/helper.js": DROP}, AUDIT, 3)


def template(s):
    migration = "const helper = require(`${__dirname}/../lib/helper`);\n" + UP
    unknown_reviewed(s, computed(migration), {"lib/helper.js": DROP}, AUDIT, 1)


def url(s):
    migration = ('import { fileURLToPath } from "url";\nexport async function up(knex) {\n'
                 '  const helper = await import(fileURLToPath(new URL("../lib/helper.js", import.meta.url)));\n'
                 "  await helper.run(knex);\n}\nexport async function down() {}\n")
    unknown_reviewed(s, computed(migration, "migrations/20240101000001_audit.mjs"), {"lib/helper.js": DROP},
                     "migrations/20240101000001_audit.mjs", 3)


def create_require(s):
    migration = ('import { createRequire } from "module";\n'
                 'const helper = createRequire(new URL("../lib/index.js", import.meta.url))("./helper");\n'
                 "export async function up(knex) {\n  await helper.run(knex);\n}\nexport async function down() {}\n")
    unknown_reviewed(s, computed(migration, "migrations/20240101000001_audit.mjs"), {"lib/helper.js": DROP},
                     "migrations/20240101000001_audit.mjs", 2)


PARTIAL = 'const name = "helper";\nconst helper = require(`${__dirname}/../lib/${name}`);\n' + UP


def partial(s):
    unknown_reviewed(s, computed(PARTIAL), {"lib/helper.js": DROP}, AUDIT, 2, UNRESOLVED)


def dynamic(s):
    migration = 'const helper = require(process.env.AUDIT_HELPER || "../lib/helper");\n' + UP
    unknown_reviewed(s, computed(migration), {"lib/helper.js": DROP}, AUDIT, 1, UNRESOLVED)


def control_folded(s):
    joined = 'const path = require("path");\nconst helper = require(path.join(__dirname, "../lib/helper"));\n' + UP
    base = computed(joined, extra={"migrations/20240101000002_more.js": "const helper = require(`${__dirname}/../lib/helper`);\n" + UP,
                                   "src/other.js": "module.exports = 1;\n"})
    passes(s, base, {"src/other.js": "module.exports = 2;\n"})


def control_partial(s):
    passes(s, computed(PARTIAL, extra={"src/other.js": "module.exports = 1;\n"}), {"src/other.js": DROP})


READ_SQL = ('const fs = require("fs");\nconst path = require("path");\nexports.up = async function (knex) {\n'
            '  await knex.raw(fs.readFileSync(path.join(__dirname, "../sql/audit.sql"), "utf8"));\n};\n'
            "exports.down = async function () {};\n")
DROP_SQL = "DROP TABLE users;\n"


def sql_read(s):
    unknown_reviewed(s, computed(READ_SQL, extra={"sql/audit.sql": "CREATE TABLE audit (id int);\n"}), {"sql/audit.sql": DROP_SQL},
                     AUDIT, 4)


def sql_read_cwd(s):
    migration = ('import { readFileSync } from "node:fs";\nexport async function up(knex) {\n'
                 '  await knex.raw(readFileSync("db/sql/audit.sql", "utf8"));\n}\nexport async function down() {}\n')
    mjs = "migrations/20240101000001_audit.mjs"
    unknown_reviewed(s, computed(migration, mjs, {"db/sql/audit.sql": "CREATE TABLE audit (id int);\n"}), {"db/sql/audit.sql": DROP_SQL},
                     mjs, 3, UNRESOLVED)


def sql_read_unknown(s):
    migration = ('const fs = require("fs");\nexports.up = async function (knex) {\n'
                 '  await knex.raw(await fs.promises.readFile(process.env.AUDIT_SQL, "utf8"));\n};\nexports.down = async function () {};\n')
    unknown_reviewed(s, computed(migration, extra={"sql/audit.sql": "CREATE TABLE audit (id int);\n"}), {"sql/audit.sql": DROP_SQL},
                     AUDIT, 3, UNRESOLVED)


def control_sql(s):
    base = computed(READ_SQL, extra={"sql/audit.sql": "CREATE TABLE audit (id int);\n", "sql/other.sql": "SELECT 1;\n"})
    passes(s, base, {"sql/other.sql": DROP_SQL})


# Reads file_reads does not name (red team R86 F1): the migration is reviewed with any changed file.
UNNAMED_READS = {
    "read_stream": ('const fs = require("fs");\nconst path = require("path");\nexports.up = async function (knex) {\n'
                    '  let s = ""; for await (const c of fs.createReadStream(path.join(__dirname, "../sql/audit.sql"), "utf8")) s += c;\n'
                    '  await knex.raw(s);\n};\nexports.down = async function () {};\n', 5),
    "read_alias": ('const fs = require("fs");\nconst path = require("path");\nconst rf = fs.readFileSync;\n'
                   'exports.up = async function (knex) {\n  await knex.raw(rf(path.join(__dirname, "../sql/audit.sql"), "utf8"));\n};\n'
                   'exports.down = async function () {};\n', 5),
    "read_bracket": ('const fs = require("fs");\nconst path = require("path");\nexports.up = async function (knex) {\n'
                     '  await knex.raw(fs["readFileSync"](path.join(__dirname, "../sql/audit.sql"), "utf8"));\n};\n'
                     'exports.down = async function () {};\n', 4),
    "read_filehandle": ('const fsp = require("fs/promises");\nconst path = require("path");\nexports.up = async function (knex) {\n'
                        '  const h = await fsp.open(path.join(__dirname, "../sql/audit.sql"));\n  await knex.raw(await h.readFile("utf8"));\n'
                        '  await h.close();\n};\nexports.down = async function () {};\n', 5),
    "read_child": ('const { execFileSync } = require("child_process");\nconst path = require("path");\nexports.up = async function (knex) {\n'
                   '  await knex.raw(execFileSync("cat", [path.join(__dirname, "../sql/audit.sql")], { encoding: "utf8" }));\n};\n'
                   'exports.down = async function () {};\n', 4),
}


def unnamed_read(name):
    migration, line = UNNAMED_READS[name]
    return lambda s: unknown_reviewed(s, computed(migration, extra={"sql/audit.sql": "CREATE TABLE audit (id int);\n"}),
                                      {"sql/audit.sql": DROP_SQL}, AUDIT, line, UNRESOLVED)


def control_sql_destructured(s):
    """`const { readFileSync } = require("fs")` is called by its name, read as sql_read's: a pull
    request that changes another SQL file reviews nothing."""
    migration = READ_SQL.replace('const fs = require("fs");', 'const { readFileSync } = require("fs");').replace("fs.readFileSync", "readFileSync")
    base = computed(migration, extra={"sql/audit.sql": "CREATE TABLE audit (id int);\n", "sql/other.sql": "SELECT 1;\n"})
    passes(s, base, {"sql/other.sql": DROP_SQL})


WORKSPACE_MIGRATION = 'const helper = require("@app/dbh");\n' + UP


def workspace_repo(settings, manifest):
    """A repository whose merged migration loads @app/dbh, a package of its workspace (`settings`)."""
    return {**KNEX, **settings, "migrations/20240101000000_users.js": USERS, AUDIT: WORKSPACE_MIGRATION,
            "packages/dbh/package.json": manifest}


def workspace(s):
    root = ('{"name":"app","private":true,"workspaces":["packages/*"],"scripts":{"migrate":"knex migrate:latest"},'
            '"dependencies":{"knex":"3.1.0","pg":"8.11.0","@app/dbh":"*"}}\n')
    base = {**workspace_repo({"package.json": root}, '{"name":"@app/dbh","version":"1.0.0"}\n'), "packages/dbh/index.js": CREATE}
    unknown_reviewed(s, base, {"packages/dbh/index.js": DROP}, AUDIT, 1)


PNPM_ROOT = ('{"name":"app","private":true,"scripts":{"migrate":"knex migrate:latest"},'
             '"dependencies":{"knex":"3.1.0","pg":"8.11.0","lodash":"^4.17.21","@app/dbh":"workspace:*"}}\n')
PNPM = {"package.json": PNPM_ROOT, "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n"}
PNPM_DBH = '{"name":"@app/dbh","version":"1.0.0","main":"lib/main.js"}\n'


def pnpm_workspace(s):
    base = {**workspace_repo(PNPM, PNPM_DBH), "packages/dbh/lib/main.js": CREATE}
    unknown_reviewed(s, base, {"packages/dbh/lib/main.js": DROP}, AUDIT, 1)


def control_npm_package(s):
    migration = 'const _ = require("lodash");\n' + USERS.replace('"users"', '_.identity("audit")')
    base = {**workspace_repo(PNPM, PNPM_DBH), AUDIT: migration, "packages/dbh/lib/main.js": CREATE}
    passes(s, base, {"packages/dbh/lib/main.js": DROP})


SCENARIOS = {"require": require, "import_ts": import_ts, "tsconfig_paths": tsconfig_paths, "control": control,
             "tsconfig_control": tsconfig_control, "path_join": path_join, "resolve_import": resolve_import, "template": template,
             "url": url, "create_require": create_require, "partial": partial, "dynamic": dynamic, "control_folded": control_folded,
             "control_partial": control_partial, "sql_read": sql_read, "sql_read_cwd": sql_read_cwd, "sql_read_unknown": sql_read_unknown,
             "control_sql": control_sql, "workspace": workspace, "pnpm_workspace": pnpm_workspace, "control_npm_package": control_npm_package,
             "control_sql_destructured": control_sql_destructured, **{name: unnamed_read(name) for name in UNNAMED_READS}}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
