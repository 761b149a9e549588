"""What a project's own settings say about how its migrations run, beyond the settings files
test_tool_settings.py covers (red team c, sections 8, 9, 10, 13, 17, 21): Flyway's per-script
configuration (V2__x.sql.conf), Flyway's repeatable migrations (re-run in full when their checksum
changes), drizzle-kit's and Prisma's configuration files, sqlx's run-time Migrator::new, and goose
Go migrations registered through a project's helper. Each is a pull request on a real git
repository, through `pgfence pr` against the GitHub double where it posts, and the real binary.

    test_tool_settings_more.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_tool_settings as base  # noqa: E402
from test_tool_settings import Repo, check, findings, git, rules_of, write  # noqa: E402


def by_path(report):
    return {f["path"]: f for f in report["files"]}


FLYWAY_CONF = "flyway.locations=filesystem:db/migration\nflyway.placeholders.schema=app\n"
FLYWAY_V1 = "CREATE TABLE ${schema}_users (id bigserial PRIMARY KEY, email text NOT NULL);\n"
# With placeholders replaced, one string literal ($app$ ... $app$); sent as written (the script's
# .conf says placeholderReplacement=false), PostgreSQL runs three statements, the second a DROP.
DOLLAR_TRICK = "SELECT $${schema}$ $$; DROP TABLE app_users; SELECT 1 --$${schema}$\n;\n"


def flyway_script_conf(binary, tmp):
    """Flyway's V2__x.sql.conf (flyway-core SqlScriptMetadata): placeholderReplacement=false sends
    the script as written, executeInTransaction=false runs it without Flyway's transaction, any
    other key makes the script unknown; a pull request that adds or changes only the .conf has the
    script judged again in full, and the .conf is part of what the report binds."""
    s = base.double_scenario(binary, tmp, {"flyway.conf": FLYWAY_CONF, "db/migration/V1__init.sql": FLYWAY_V1},
                             {"db/migration/V2__note.sql": DOLLAR_TRICK,
                              "db/migration/V2__note.sql.conf": "# sent as written\nplaceholderReplacement=false\n"})

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails on the DROP the raw script runs: exit {proc.returncode}\n{proc.stderr}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")
        s.all_requests_valid()

    base.with_double(s, body)
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    files = by_path(report)
    v2 = [f["rule"] for f in files.get("db/migration/V2__note.sql", {}).get("findings", [])]
    check("drop-table" in v2 and proc.returncode == 1, f"V2 sent as written drops app_users: {v2} exit {proc.returncode}")
    check("db/migration/V2__note.sql.conf" in files, f"the script's .conf is part of the report: {sorted(files)}")
    git(r.dir, "checkout", "-q", "feature")
    proc = r.run("analyze", "--ci", "--output", "json", "db/migration")
    check(proc.returncode == 1 and "drop-table" in rules_of(json.loads(proc.stdout)),
          f"analyze --ci reads the .conf too: exit {proc.returncode} {rules_of(json.loads(proc.stdout))}")

    # Only the .conf changes: the script, merged before as a harmless literal, is judged again.
    git(r.dir, "checkout", "-q", "main")
    main2 = r.commit({"db/migration/V2__note.sql": DOLLAR_TRICK})
    git(r.dir, "checkout", "-qb", "conf-only")
    head = r.commit({"db/migration/V2__note.sql.conf": "placeholderReplacement=false\n"})
    proc, report = r.pr_json(main2, head)
    files = by_path(report)
    v2 = files.get("db/migration/V2__note.sql", {})
    drops = [f for f in v2.get("findings", []) if f["rule"] == "drop-table"]
    check(drops and not any(f.get("pre_existing") for f in drops) and proc.returncode == 1,
          f"a .conf-only pull request re-judges its script: {sorted(files)} {v2.get('findings')} exit {proc.returncode}")

    # executeInTransaction=false: no transaction around the script (CONCURRENTLY is then allowed).
    head = r.commit({"db/migration/V3__idx.sql": "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON app_users (email);\n",
                     "db/migration/V2__note.sql.conf": None})
    proc, report = r.pr_json(main2, head)
    v3 = [f["rule"] for f in by_path(report)["db/migration/V3__idx.sql"]["findings"]]
    check("concurrently-in-transaction" in v3, f"without a .conf Flyway's transaction wraps V3: {v3}")
    head = r.commit({"db/migration/V3__idx.sql.conf": "executeInTransaction=false\n"})
    proc, report = r.pr_json(main2, head)
    v3 = [f["rule"] for f in by_path(report)["db/migration/V3__idx.sql"]["findings"]]
    check("concurrently-in-transaction" not in v3, f"executeInTransaction=false runs V3 outside a transaction: {v3}")

    # A key pgfence does not apply (shouldExecute, Flyway Teams), or a line it cannot read: unknown.
    for conf in ("shouldExecute=false\n", "executeInTransaction=${tx}\n", "encoding=ISO-8859-1\n"):
        head = r.commit({"db/migration/V3__idx.sql.conf": conf})
        proc, report = r.pr_json(main2, head)
        v3 = by_path(report)["db/migration/V3__idx.sql"]
        statuses = [st["status"] for st in v3["statements"]]
        check("unknown-statement" in [f["rule"] for f in v3["findings"]] and proc.returncode == 1,
              f"{conf!r} makes the script unknown: {statuses} {[f['rule'] for f in v3['findings']]} exit {proc.returncode}")


R_BASE = "-- rebuilt by Flyway whenever this file changes\nSET lock_timeout = '2s';\nTRUNCATE report_cache;\n"


def flyway_repeatable(binary, tmp):
    """Flyway runs R__x.sql again, whole, when its checksum changes (flyway-core
    ChecksumCalculator: CRC-32 over the lines without their line breaks, comments included): a
    comment-only edit re-runs its TRUNCATE, which is the pull request's, not pre-existing; a
    line-ending-only change keeps the checksum, and its findings stay pre-existing."""
    s = base.double_scenario(binary, tmp, {"db/migration/V1__init.sql": "CREATE TABLE report_cache (k text PRIMARY KEY, v bigint);\n",
                                           "db/migration/R__report_cache.sql": R_BASE},
                             {"db/migration/R__report_cache.sql": R_BASE.replace("changes\n", "changes\n-- (typo fixed)\n")})

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails on the re-run TRUNCATE: exit {proc.returncode}\n{proc.stderr}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")

    base.with_double(s, body)
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    rf = by_path(report).get("db/migration/R__report_cache.sql", {})
    truncs = [f for f in rf.get("findings", []) if f["rule"] == "truncate"]
    check(truncs and not any(f["pre_existing"] for f in truncs), f"the TRUNCATE runs again as the pull request's: {rf.get('findings')}")
    # Line endings only (CRLF): the checksum is the same, Flyway does not run it again.
    git(r.dir, "checkout", "-q", "main")
    git(r.dir, "checkout", "-qb", "crlf")
    head = r.commit({"db/migration/R__report_cache.sql": R_BASE.replace("\n", "\r\n")})
    proc, report = r.pr_json(s.base, head)
    rf = by_path(report).get("db/migration/R__report_cache.sql", {})
    check(rf.get("findings") and all(f["pre_existing"] for f in rf["findings"]), f"a CRLF-only change re-runs nothing: {rf.get('findings')}")


DRIZZLE_CONFIG = ('import { defineConfig } from "drizzle-kit";\nexport default defineConfig({\n  dialect: "postgresql",\n'
                  '  schema: "./src/db/schema.ts",\n  out: "./db/sql",\n});\n')
PRISMA_CONFIG = ('import path from "node:path";\nimport { defineConfig } from "prisma/config";\nexport default defineConfig({\n'
                 '  schema: "db/schema.prisma",\n  migrations: { path: path.join("db", "changes") },\n});\n')
SQLX_MAIN = ('use sqlx::migrate::Migrator;\nuse std::path::Path;\n\nasync fn run(pool: &sqlx::PgPool) {\n'
             '    let m = Migrator::new(Path::new("./db/changes")).await.unwrap();\n    m.run(pool).await.unwrap();\n}\n')


def config_folder(binary, tmp, settings, migration, note):
    s = base.double_scenario(binary, tmp, settings, {migration: "DROP TABLE users;\n"})

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails on {migration}: exit {proc.returncode}\n{proc.stderr}")
        check(note in proc.stderr, f"pr names the settings line {note!r}:\n{proc.stderr}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")

    base.with_double(s, body)
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    files = by_path(report)
    check("drop-table" in [f["rule"] for f in files.get(migration, {}).get("findings", [])],
          f"pr analyses {migration}: {sorted(files)}")
    return r, s


def drizzle_prisma_dirs(binary, tmp):
    """drizzle-kit's `out` and Prisma's prisma.config.ts `migrations.path` name the folders their
    tools run; a pull request adding a migration there is analysed (red team c 9, 10), and a
    computed folder is unknown at its line."""
    init = "CREATE TABLE users (id bigint PRIMARY KEY);\n"
    config_folder(binary, os.path.join(tmp, "dz"), {"drizzle.config.ts": DRIZZLE_CONFIG, "db/sql/0000_init.sql": init},
                  "db/sql/0001_cleanup.sql", "drizzle.config.ts:5 (out) puts drizzle's migrations in db/sql")
    config_folder(binary, os.path.join(tmp, "pz"), {"prisma.config.ts": PRISMA_CONFIG, "db/changes/20240101000000_init/migration.sql": init},
                  "db/changes/20240102000000_cleanup/migration.sql", "prisma.config.ts:5 (migrations.path) puts prisma's migrations in db/changes")
    # Prisma also reads .config/prisma.ts; its folder is followed from .config/ and from the project.
    config_folder(binary, os.path.join(tmp, "pz2"), {".config/prisma.ts": PRISMA_CONFIG, "db/changes/20240101000000_init/migration.sql": init},
                  "db/changes/20240102000000_cleanup/migration.sql", ".config/prisma.ts:5 (migrations.path) puts prisma's migrations in db/changes")
    # A folder computed when the tool runs: unknown at its line, in pr and analyze --ci.
    r = Repo(binary, os.path.join(tmp, "computed"))
    b = r.commit({"README.md": "x\n"})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"drizzle.config.ts": DRIZZLE_CONFIG.replace('"./db/sql"', "process.env.MIGRATIONS_DIR!")})
    proc, report = r.pr_json(b, h)
    unknown = [(p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement"]
    check(("drizzle.config.ts", 5) in unknown and proc.returncode == 1, f"a computed out is unknown at its line: {unknown} exit {proc.returncode}")


def sqlx_runtime(binary, tmp):
    """sqlx's run-time Migrator::new(Path::new("./db/changes")) names the folder as migrate!() does
    (red team c 21); a computed path is unknown at its line."""
    r, s = config_folder(binary, tmp, {"Cargo.toml": "[package]\nname = \"app\"\n", "src/main.rs": SQLX_MAIN,
                                       "db/changes/20240101000000_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"},
                         "db/changes/20240102000000_cleanup.sql", "src/main.rs:5 (Migrator::new) puts sqlx's migrations in db/changes")
    proc, report = r.pr_json(s.base, s.head)
    check(by_path(report)["db/changes/20240102000000_cleanup.sql"].get("tool") == "sqlx", "the folder's files are sqlx's")
    git(r.dir, "checkout", "-q", "feature")
    h = r.commit({"src/main.rs": SQLX_MAIN.replace('Path::new("./db/changes")', "Path::new(&std::env::var(\"DIR\").unwrap())")})
    proc, report = r.pr_json(s.base, h)
    unknown = [(p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement"]
    check(("src/main.rs", 5) in unknown and proc.returncode == 1, f"a computed Migrator path is unknown at its line: {unknown}")


GOOSE_HELPER = ("package migrations\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n\t\"runtime\"\n\n\t\"github.com/pressly/goose/v3\"\n)\n\n"
                "func registerTx(up func(context.Context, *sql.Tx) error) {\n\t_, file, _, _ := runtime.Caller(1)\n"
                "\tgoose.AddNamedMigrationContext(file, up, nil)\n}\n")
GOOSE_MIGRATION = ("package migrations\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\nfunc init() { registerTx(up00002) }\n\n"
                   "func up00002(ctx context.Context, tx *sql.Tx) error {\n\t_, err := tx.ExecContext(ctx, \"DROP TABLE orders\")\n\treturn err\n}\n")


def goose_helper(binary, tmp):
    """A goose Go migration registered through the project's helper (runtime.Caller +
    AddNamedMigrationContext, as goose's own AddMigrationContext does): the pull request adding it
    has an unknown statement at its init, its own, and fails (red team c 17)."""
    s = base.double_scenario(binary, tmp, {"go.mod": "module example.com/app\n", "migrations/helpers.go": GOOSE_HELPER,
                                           "migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE orders (id bigserial PRIMARY KEY);\n"},
                             {"migrations/00002_drop.go": GOOSE_MIGRATION})

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails on the Go migration: exit {proc.returncode}\n{proc.stderr}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")

    base.with_double(s, body)
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    got = [(f["start"]["line"], f["pre_existing"]) for p, f in findings(report)
           if p == "migrations/00002_drop.go" and f["rule"] == "unknown-statement"]
    check(got == [(8, False)], f"the migration is unknown at its init, and new: {got} {sorted(by_path(report))}")


SCENARIOS = {"flyway_script_conf": flyway_script_conf, "flyway_repeatable": flyway_repeatable,
             "drizzle_prisma_dirs": drizzle_prisma_dirs, "sqlx_runtime": sqlx_runtime, "goose_helper": goose_helper}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    p.add_argument("--double")
    p.add_argument("--schemas")
    p.add_argument("--sarif-schema")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    base.ARGS = args
    if not (args.double and args.schemas and os.path.isdir(args.schemas)):
        print(f"SKIP: {args.scenario} needs the GitHub double and its schemas")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        try:
            SCENARIOS[args.scenario](args.binary, tmp)
        except AssertionError as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
