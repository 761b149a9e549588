"""Own runners by a script's whole name, not a word inside it (red team R88c F6, issue #53).

A script whose name says it migrates and that runs the project's own program is unknown
(test_own_runner.py). pgfence passed over any name holding `create`, `new`, `check`, `status`,
`diff`, `make`, `generat`, `lint` or `scaffold`, so `migrate:create-tables: node scripts/apply.js`
(a pg client running DROP TABLE) passed `pr` and `analyze` with exit 0. Now a name is a
developer's command only by its last word (`migrate:make`, `migration:create`, `db:migrate:status`)
or by its first with a last word "migration(s)" (formbricks' `generate-data-migration`,
`create-migration`), and a command that runs a tool's generator (`typeorm migration:create`, also
as `node ./node_modules/typeorm/cli.js`) is no program of the project's.

    test_own_runner_names.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import analyze  # noqa: E402
from test_module_writes import pull_request  # noqa: E402
from test_own_runner import BASE, DB, PRISMA, gate, package, pr_gate, review  # noqa: E402

APPLY = DB + "/scripts/apply.js"
APPLY_TEXT = ("const { Client } = require('pg');\n(async () => {\n  const c = new Client({ connectionString: process.env.DATABASE_URL });\n"
              "  await c.connect();\n  await c.query('DROP TABLE users');\n  await c.end();\n})();\n")


def name_create_tables(s):
    """`migrate:create-tables` runs the project's program: unknown at its line."""
    gate(s, {**PRISMA, APPLY: APPLY_TEXT, DB + "/package.json": package({"migrate:create-tables": "node scripts/apply.js"})},
         [(DB + "/package.json", 4, ["scripts/apply.js"])])


def name_check_and_apply(s):
    gate(s, {**PRISMA, APPLY: APPLY_TEXT, DB + "/package.json": package({"build": "tsc", "migrate:check-and-apply": "node scripts/apply.js"})},
         [(DB + "/package.json", 5, ["scripts/apply.js"])])


def pr_name_create_tables(s):
    """pr: the program `migrate:create-tables` runs changed (bot/own_runner_review.cpp reads the same names)."""
    base = {**BASE, APPLY: "console.log('nothing yet');\n", DB + "/package.json": package({"migrate:create-tables": "node scripts/apply.js"})}
    pr_gate(s, base, {APPLY: APPLY_TEXT}, APPLY, ["the project's own runner changed", "migrate:create-tables"])


DEV = {
    "migrate:make": "node scripts/new-migration.js",
    "migration:create": "node scripts/new-migration.js",
    "generate-data-migration": "tsx src/scripts/generate-data-migration.ts",
    "create-migration": "node scripts/new-migration.js",
    "db:migrate:status": "node scripts/status.js",
    "db:migrations-typeorm": "node ./node_modules/typeorm/cli.js migration:create src/migrations/next",
    "migrate": "prisma migrate deploy",
}
DEV_FILES = {DB + "/scripts/new-migration.js": "require('fs').writeFileSync('migration/x.sql', '');\n",
             DB + "/scripts/status.js": "console.log('status');\n",
             DB + "/src/scripts/generate-data-migration.ts": "console.log('gen');\n"}


def control_developer_names(s):
    """Developers' commands around migrations, by name or by the tool they run: nothing unknown."""
    pull_request(s, {**PRISMA, **DEV_FILES, DB + "/package.json": package(DEV)}, {"package.json": '{"name":"root","private":true}\n'})
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")
    check(proc.returncode == 0, f"analyze --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


def pr_control_developer_names(s):
    """pr: a change to a migration generator's program is no runner's."""
    path = DB + "/scripts/new-migration.js"
    proc, found = review(s, {**BASE, **DEV_FILES, DB + "/package.json": package(DEV)}, {path: DEV_FILES[path] + "console.log('made');\n"})
    check(not [f for f in found if f["rule"] == "unknown-statement"], f"pr: nothing is unknown: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


SCENARIOS = {f.__name__: f for f in [name_create_tables, name_check_and_apply, pr_name_create_tables, control_developer_names,
                                      pr_control_developer_names]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
