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


SCENARIOS = {"require": require, "import_ts": import_ts, "tsconfig_paths": tsconfig_paths, "control": control,
             "tsconfig_control": tsconfig_control}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
