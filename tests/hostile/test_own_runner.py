"""A project's own migration runner and its data migrations (review87 miss 1, issue #53).

formbricks keeps Prisma's migration folders and, beside their migration.sql, folders holding a
migration.ts that its own program (`db:migrate:deploy: node ./dist/scripts/apply-migrations.js`,
built from src/scripts/apply-migrations.ts) runs. `prisma migrate deploy` runs only migration.sql,
and pgfence read only that: the data migration and the runner passed as "0 unknown". Each is now
unknown at its line; a Prisma project that runs `prisma migrate deploy` stays clean.

    test_own_runner.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import analyze, workflow  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402

DB = "packages/database"
MIG = DB + "/migration"
PRISMA = {
    MIG + "/migration_lock.toml": 'provider = "postgresql"\n',
    MIG + "/README.md": "Prisma's migrations and our data migrations.\n",
    MIG + "/20230101000000_init/migration.sql": 'CREATE TABLE "Survey" ("id" TEXT PRIMARY KEY, "workspaceId" TEXT);\n',
    MIG + "/20230102000000_add_flag/migration.sql": "SET lock_timeout = '2s';\n" 'ALTER TABLE "Survey" ADD COLUMN "flag" BOOLEAN;\n',
    MIG + "/20230103000000_empty/.gitkeep": "",
}
DATA = MIG + "/20260401000002_backfill_workspace_id/migration.ts"
DATA_TEXT = ("import type { MigrationScript } from '../../src/scripts/migration-runner';\n\n"
             "export const backfill: MigrationScript = {\n  type: 'data',\n  run: async ({ tx }) => {\n"
             "    for (const table of ['Survey', 'Contact']) {\n"
             "      await tx.$executeRawUnsafe(`UPDATE \"${table}\" SET \"workspaceId\" = 'w'`);\n    }\n  },\n};\n")
RUNNER = {
    DB + "/src/scripts/apply-migrations.ts": "import { applyMigrations } from './migration-runner';\nvoid applyMigrations();\n",
    DB + "/src/scripts/migration-runner.ts": ("import fs from 'node:fs';\n"
                                              "export async function applyMigrations() {\n"
                                              "  for (const dir of fs.readdirSync('migration')) {\n"
                                              "    if (fs.existsSync(`migration/${dir}/migration.ts`)) await import(`../../migration/${dir}/migration.ts`);\n"
                                              "  }\n}\n"),
}


def package(scripts):
    body = ",\n".join(f'    "{k}": "{v}"' for k, v in scripts.items())
    return '{\n  "name": "@app/database",\n  "scripts": {\n' + body + "\n  }\n}\n"


def gate(s, head, wanted):
    """`analyze --ci --unknown block` exits 1 with an unknown at each (path, line, words in its message)."""
    pull_request(s, head, {"package.json": '{"name":"root","private":true}\n'})
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr[-800:]}")
    for path, line, words in wanted:
        check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")
        msg = " ".join(f["message"] for f in found if f["path"] == path and f["line"] == line)
        for w in words:
            check(w in msg, f"the unknown at {path}:{line} says {w!r}: {msg}")
    return found


def data_migration(s):
    """A migration.ts in a Prisma migration folder, the deploy running `prisma migrate deploy`."""
    utils = DATA.replace("migration.ts", "utils.ts")
    found = gate(s, {**PRISMA, DATA: DATA_TEXT, utils: "export const tables = ['Survey'];\n",
                     utils.replace(".ts", ".test.ts"): "import { tables } from './utils';\n",
                     DB + "/package.json": package({"db:migrate:deploy": "prisma migrate deploy"})},
                 [(DATA, 1, ["prisma migrate deploy", "migration.sql"])])
    # The modules the data migration loads, and their tests, are covered by its unknown.
    check(not [f for f in found if f["path"].startswith(utils[:-len("utils.ts")]) and f["path"] != DATA],
          f"only migration.ts is unknown in its folder: {found}")


def dist_runner(s):
    """`db:migrate:deploy` runs the project's built program; its TypeScript source is in the repository."""
    gate(s, {**PRISMA, **RUNNER, DB + "/package.json": package({"build": "tsc", "start": "node server.js",
                                                                 "db:migrate:deploy": "node ./dist/scripts/apply-migrations.js"})},
         [(DB + "/package.json", 6, ["dist/scripts/apply-migrations.js", "src/scripts/apply-migrations.ts"])])


def tsx_runner(s):
    """`migrate` runs a TypeScript program of the project with tsx."""
    gate(s, {**PRISMA, **RUNNER, DB + "/package.json": package({"migrate": "dotenv -e ../../.env -- tsx src/scripts/apply-migrations.ts"})},
         [(DB + "/package.json", 4, ["src/scripts/apply-migrations.ts"])])


def formbricks_shape(s):
    """Both: the data migration and the runner."""
    gate(s, {**PRISMA, **RUNNER, DATA: DATA_TEXT,
             DB + "/package.json": package({"db:migrate:deploy": "node ./dist/scripts/apply-migrations.js"})},
         [(DATA, 1, ["migration.sql"]), (DB + "/package.json", 4, ["apply-migrations"])])


def wf_runner(s):
    """A workflow step runs the built runner itself, from the top of the repository."""
    wf = ".github/workflows/deploy.yml"
    gate(s, {**PRISMA, **RUNNER, wf: workflow("pnpm install", "pnpm build", "node packages/database/dist/scripts/apply-migrations.js"),
             DB + "/package.json": package({"db:migrate:deploy": "prisma migrate deploy"})},
         [(wf, 9, ["packages/database/dist/scripts/apply-migrations.js", "src/scripts/apply-migrations.ts"])])


def control_prisma(s):
    """Only migration.sql folders, `prisma migrate deploy`, an app's start and build: nothing unknown."""
    pull_request(s, {**PRISMA, ".github/workflows/deploy.yml": workflow("npm ci", "node scripts/build.js", "npx prisma migrate deploy", "node server.js"),
                     "server.js": "require('http').createServer().listen(3000);\n",
                     "scripts/build.js": "console.log('build');\n",
                     DB + "/src/index.ts": "export const db = 1;\n",
                     DB + "/package.json": package({"build": "node scripts/build.js", "start": "node server.js",
                                                    "db:migrate:deploy": "prisma migrate deploy", "db:seed": "tsx src/seed.ts"})},
                 {"package.json": '{"name":"root","private":true}\n'})
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")
    check(proc.returncode == 0, f"analyze --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


def review(s, base, head):
    """`pgfence pr --ci --unknown block` over a real base and head: its exit and (rule, path, line) findings."""
    pull_request(s, head, base)
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--sarif", os.path.join(s.tmp, "pr.sarif"))
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    found = [{"rule": r["ruleId"], "path": r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "line": r["locations"][0]["physicalLocation"]["region"]["startLine"], "message": r["message"]["text"]}
             for r in sarif["runs"][0]["results"]]
    return proc, found


BASE = {**PRISMA, "package.json": '{"name":"root","private":true}\n', DB + "/package.json": package({"db:migrate:deploy": "prisma migrate deploy"})}


def pr_data_migration(s):
    """A pull request adding a data migration (migration.ts, with its helper and test) to a Prisma folder."""
    utils = DATA.replace("migration.ts", "utils.ts")
    proc, found = review(s, BASE, {DATA: DATA_TEXT, utils: "export const tables = ['Survey'];\n",
                                   utils.replace(".ts", ".test.ts"): "import { tables } from './utils';\n"})
    check(proc.returncode == 1, f"pr --ci --unknown block fails: {proc.returncode}\n{proc.stderr[-800:]}")
    check(unknown_at(found, DATA, 1), f"pr: unknown at {DATA}:1: {found}")
    msg = " ".join(f["message"] for f in found if f["path"] == DATA)
    check("prisma migrate deploy" in msg and "migration.sql" in msg, f"the unknown says why: {msg}")
    check(not [f for f in found if f["path"] != DATA and f["rule"] == "unknown-statement"], f"only migration.ts is unknown: {found}")
    comment = "\n".join(c["body"] for c in s.comments())
    check("unknown-statement" in comment and "0 unknown" not in comment, f"the comment reports the unknown:\n{comment[:1500]}")


def pr_data_migration_changed(s):
    """A pull request changing an existing data migration's script."""
    proc, found = review(s, {**BASE, DATA: DATA_TEXT}, {DATA: DATA_TEXT.replace("'Contact'", "'Contact', 'Response'")})
    check(proc.returncode == 1, f"pr --ci --unknown block fails: {proc.returncode}\n{proc.stderr[-800:]}")
    check(unknown_at(found, DATA, 1), f"pr: unknown at {DATA}:1: {found}")


def pr_gate(s, base, head, path, words):
    proc, found = review(s, base, head)
    check(proc.returncode == 1, f"pr --ci --unknown block fails: {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-800:]}")
    check(unknown_at(found, path, 1), f"pr: unknown at {path}:1: {found}")
    msg = " ".join(f["message"] for f in found if f["path"] == path)
    for w in words:
        check(w in msg, f"the unknown at {path} says {w!r}: {msg}")
    return found


def pr_helper_changed(s):
    """A pull request changing only the helper module a data migration imports."""
    utils = DATA.replace("migration.ts", "utils.ts")
    pr_gate(s, {**BASE, DATA: DATA_TEXT, utils: "export const tables = ['Survey'];\n"}, {utils: "export const tables = ['Survey', 'Contact'];\n"},
            utils, ["data migration", "migration.sql"])


RUNNER_BASE = {**BASE, **RUNNER, DB + "/package.json": package({"build": "tsc", "start": "node server.js",
                                                                "db:migrate:deploy": "node ./dist/scripts/apply-migrations.js"})}


def pr_runner_changed(s):
    """A pull request changing the module the built runner's source imports (src/scripts/migration-runner.ts)."""
    path = DB + "/src/scripts/migration-runner.ts"
    pr_gate(s, RUNNER_BASE, {path: RUNNER[path].replace("readdirSync('migration')", "readdirSync('migration').reverse()")},
            path, ["the project's own runner changed", "db:migrate:deploy", "apply-migrations.ts"])


def pr_runner_source_changed(s):
    """A pull request changing the TypeScript source of the built runner the script runs."""
    path = DB + "/src/scripts/apply-migrations.ts"
    pr_gate(s, RUNNER_BASE, {path: RUNNER[path] + "console.log('done');\n"}, path, ["the project's own runner changed", "db:migrate:deploy"])


def pr_control_app(s):
    """A pull request changing the application's code beside the runner, which no migrating script runs: quiet."""
    path = DB + "/src/index.ts"
    proc, found = review(s, {**RUNNER_BASE, path: "export const db = 1;\n"}, {path: "export const db = 2;\n"})
    check(not [f for f in found if f["rule"] == "unknown-statement"], f"pr: nothing is unknown: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")


def pr_control_sql(s):
    """A pull request adding only a migration.sql folder is reviewed as before: read, nothing unknown.
    (pr's default selection is **/migrations/**: the folder is Prisma's usual prisma/migrations here.)"""
    mig = "prisma/migrations"
    sql = mig + "/20260401000003_add_note/migration.sql"
    base = {**{k.replace(MIG, mig): v for k, v in PRISMA.items()}, "package.json": package({"migrate": "prisma migrate deploy"})}
    proc, found = review(s, base, {sql: "SET lock_timeout = '2s';\n" 'ALTER TABLE "Survey" ADD COLUMN "note" TEXT;\n'})
    check(not [f for f in found if f["rule"] == "unknown-statement"], f"pr: nothing is unknown: {found}")
    check(proc.returncode == 0, f"pr --ci exits 0: {proc.returncode}\n{proc.stderr[-800:]}")
    check("summary: 1 file, 2 statements" in proc.stdout, f"the migration is reviewed:\n{proc.stdout[-800:]}")


SCENARIOS = {f.__name__: f for f in [data_migration, dist_runner, tsx_runner, formbricks_shape, wf_runner, control_prisma,
                                      pr_data_migration, pr_data_migration_changed, pr_control_sql, pr_helper_changed,
                                      pr_runner_changed, pr_runner_source_changed, pr_control_app]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
