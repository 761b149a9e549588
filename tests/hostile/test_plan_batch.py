"""A plan of several migrations runs as the project's tool runs a deploy: every pending file in one
batch (issue #54, review 90, "Plans"). knex's `migrate:latest` runs the batch in one transaction
unless a pending migration exports `config = { transaction: false }` (knex 3.1.0
lib/migrations/migrate/Migrator.js:80-97, _useTransaction :478-484): nango's 6-file plan blocked the
writer 1204 ms so, 86 ms with the opt-out. TypeORM's default migrationsTransactionMode "all" runs
every pending migration in one transaction and refuses a migration's own `transaction`
(ForbiddenTransactionModeOverrideError): laudspeaker's 4-file plan blocked the writer 14.4 s, longer
than the original. Real git repositories, the real binary.

    test_plan_batch.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
Scenarios:
  knex_opt_out        a knex plan of several migrations: each after the first opts out of the batch
                      transaction and opens its own (knex.transaction), the first does not
  typeorm_all         `pgfence pr` on a TypeORM project that leaves "all": the multi-file plan is declined,
                      "unsafe as deployed", naming --transaction each
  typeorm_each        the same with `migration:run ... --transaction each` in package.json: the plan is offered
  trace_typeorm       `trace --plan` of the TypeORM file: never "proven"; says unsafe as deployed
                      (skipped without PostgreSQL's server binaries)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_history_removed import repository as pr_repository, review  # noqa: E402
from test_review_precision import env, repository  # noqa: E402

KNEX_INIT = ("exports.up = async function (knex) {\n"
             "    await knex.raw(`CREATE TABLE end_users (id serial PRIMARY KEY)`);\n"
             "    await knex.raw(`CREATE TABLE connections (id serial PRIMARY KEY, name text)`);\n};\n"
             "exports.down = async function () {};\n")
KNEX_CHANGE = ("exports.up = async function (knex) {\n"
               "    await knex.raw(`ALTER TABLE connections ADD COLUMN end_user_id int4`);\n"
               "    await knex.raw(`ALTER TABLE connections ADD CONSTRAINT connections_end_user_id_fkey "
               "FOREIGN KEY (end_user_id) REFERENCES end_users (id) ON DELETE SET NULL`);\n};\n"
               "exports.down = async function () {};\n")
KNEX = {"package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.3"}}\n',
        "knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n",
        "migrations/20241001000000_init.cjs": KNEX_INIT}
KNEX_PATH = "migrations/20241024094439_connections_end_user.cjs"

TS_INIT = ('import { MigrationInterface, QueryRunner } from "typeorm";\n\n'
           "export class Init1704000000000 implements MigrationInterface {\n"
           "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
           '        await queryRunner.query(`CREATE TABLE "workspaces" ("id" serial PRIMARY KEY)`);\n'
           '        await queryRunner.query(`CREATE TABLE "requeue" ("id" serial PRIMARY KEY, "note" text)`);\n'
           "    }\n    public async down(): Promise<void> {}\n}\n")
TS_CHANGE = ('import { MigrationInterface, QueryRunner } from "typeorm";\n\n'
             "export class WorkspaceIdForRequeue1704187734513 implements MigrationInterface {\n"
             "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
             '        await queryRunner.query(`ALTER TABLE "requeue" ADD "workspaceId" integer`);\n'
             '        await queryRunner.query(`ALTER TABLE "requeue" ADD CONSTRAINT "FK_requeue_workspace" '
             'FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE`);\n'
             "    }\n    public async down(): Promise<void> {}\n}\n")
TS_PATH = "migrations/1704187734513-WorkspaceIdForRequeue.ts"


def ts_base(run):
    return {"package.json": '{"scripts": {"migrate": "typeorm-ts-node-commonjs ' + run + '"}, '
                            '"dependencies": {"typeorm": "0.3.17", "pg": "8.11.0", "ts-node": "10.9.1", "typescript": "5.3.3"}}\n',
            "tsconfig.json": '{"compilerOptions": {"target": "es2020", "module": "commonjs"}}\n',
            "data-source.ts": 'import { DataSource } from "typeorm";\n'
                              'export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, '
                              'migrations: ["migrations/*.ts"] });\n',
            "migrations/1704000000000-Init.ts": TS_INIT}


def knex_opt_out(s):
    repository(s, {**KNEX, KNEX_PATH: KNEX_CHANGE})
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "migrations"],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    files = [f for f in json.loads(proc.stdout)["files"] if os.path.normpath(f["path"]) == KNEX_PATH]
    check(len(files) == 1, f"one report for {KNEX_PATH}: {proc.stdout[:400]}")
    plan = files[0].get("plan") or {}
    steps = [st for st in plan.get("steps") or [] if st.get("run") != "out of band"]
    check(not plan.get("declined") and len(steps) >= 2, f"a plan of several knex migrations: {json.dumps(plan)[:1500]}")
    texts = ["".join(x.get("text") or "" for x in st.get("files") or []) for st in steps]
    check(all(texts), f"each migration's file text: {steps}")
    check("transaction: false" not in texts[0], f"migration 1 stays in knex's transaction: {texts[0]}")
    for t in texts[1:]:
        check("module.exports.config = { transaction: false }" in t, f"a later migration opts out of the batch: {t}")
        check("await knex.transaction(async (trx) => {" in t and "await trx.raw(" in t and "SET LOCAL lock_timeout" in t,
              f"and runs in a transaction of its own, where its SET LOCAL holds: {t}")
    check(not any("migrate:up" in n for n in plan.get("notes", [])), f"no note asks for migrate:up one at a time: {plan.get('notes')}")


def typeorm_plan(s, run):
    pr_repository(s, ts_base(run), {TS_PATH: TS_CHANGE})
    proc, found, conclusions, report = review(s)
    files = [f for f in report["files"] if f["path"] == TS_PATH]
    check(len(files) == 1, f"one report for {TS_PATH}: {[f['path'] for f in report['files']]}")
    return files[0].get("plan") or {}


def typeorm_all(s):
    plan = typeorm_plan(s, "migration:run -d data-source.ts")
    why = plan.get("declined") or ""
    check("unsafe as deployed" in why and "--transaction each" in why and "one transaction" in why,
          f"under \"all\" the multi-file plan is declined, naming --transaction each: {json.dumps(plan)[:1500]}")


def typeorm_each(s):
    plan = typeorm_plan(s, "migration:run -d data-source.ts --transaction each")
    steps = [st for st in plan.get("steps") or [] if st.get("run") != "out of band"]
    check(not plan.get("declined") and len(steps) >= 2, f"--transaction each: the plan is offered: {json.dumps(plan)[:1500]}")


def trace_typeorm(s):
    import glob
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        print("SKIP: no PostgreSQL server binaries")
        return
    os.chmod(s.tmp, 0o755)  # the server's folder goes there, and a root run starts it as another user
    repository(s, {**ts_base("migration:run -d data-source.ts"), TS_PATH: TS_CHANGE})
    setup = os.path.join(s.tmp, "setup.sql")
    with open(setup, "w") as f:
        f.write('CREATE TABLE "workspaces" ("id" serial PRIMARY KEY);\n'
                'CREATE TABLE "requeue" ("id" serial PRIMARY KEY, "note" text);\n'
                'INSERT INTO "workspaces" SELECT FROM generate_series(1, 50);\n'
                'INSERT INTO "requeue" ("note") SELECT \'n\' || g FROM generate_series(1, 500) g;\n')
    trace_env = {**env(), "PATH": os.path.dirname(bins[-1]) + ":" + os.environ.get("PATH", ""), "TMPDIR": s.tmp}
    out = os.path.join(s.tmp, "trace.json")
    proc = subprocess.run([s.args.binary, "trace", "--plan", "--no-config", "--format", "json", "-o", out, "--setup", setup, TS_PATH],
                          cwd=s.repo, env=trace_env, capture_output=True, text=True, timeout=600)
    check(proc.returncode in (0, 1), f"trace: exit {proc.returncode}: {proc.stderr[-800:]}")
    plans = json.load(open(out)).get("plans", [])
    check(len(plans) == 1, f"one plan: {plans}")
    verdict = plans[0].get("verdict") or {}
    text = json.dumps(plans[0])[:2000]
    check(verdict.get("result") != "proven", f"a TypeORM plan of several migrations is never proven under \"all\": {text}")
    check("unsafe as deployed" in json.dumps(verdict), f"the verdict says why: {text}")


SCENARIOS = {f.__name__: f for f in (knex_opt_out, typeorm_all, typeorm_each, trace_typeorm)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
