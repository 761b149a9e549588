"""The tool as the project really runs it (issue #54, section 1), through the real binary, on
projects in each tool's real layout:

- sqlx_subfolder: a Rust crate whose src/main.rs runs `sqlx::migrate!("migrations/postgresql")` is
  sqlx for that folder, given as the folder or one file of it (not golang-migrate because its files
  are named <version>_<name>.up.sql): its CREATE INDEX CONCURRENTLY plan starts with
  `-- no-transaction`, and that plan runs on PostgreSQL as sqlx runs a migration; `trace --plan`
  rehearses it as sqlx's. A crate that depends on sqlx but names no folder is assumed sqlx, said
  once with how to say otherwise, and `tool = "golang-migrate"` in .pgfence.toml does.
- temporal_manifest: Temporal's schema/postgresql/.../versioned/vX.Y/manifest.json folders: one
  history in version order, only the listed files run (in the manifest's order), statement by
  statement; a plan in place, or declined when it would add a file the manifest does not list.
- dbmate_runner: a dbmate plan that `trace --plan` calls proven, deployed by dbmate itself
  (`npm install dbmate`: $DBMATE or PATH; exit 77 without it). Debian packages none of
  golang-migrate, dbmate, goose or sqlx-cli, and npm has no sqlx-cli: sqlx is run above as its
  source applies a migration.

    tool_layouts_test.py SUITE --binary build/bot/pgfence

PostgreSQL 15 from /usr/lib/postgresql/15/bin (Debian's), started by the test; without it the
suites that need it skip those checks and say so.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

PG_BIN = "/usr/lib/postgresql/15/bin"

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL 15 on 127.0.0.1 and a free port (as `postgres` when run as root)."""

    def __init__(self, root):
        self.dir = os.path.join(root, "pg")
        os.makedirs(self.dir)
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            os.chmod(root, 0o755)
            shutil.chown(self.dir, self.user, self.user)
        self.port = unused_port()
        self.data = os.path.join(self.dir, "data")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def _run(self, program, *args, check=True):
        return subprocess.run([os.path.join(PG_BIN, program), *args], user=self.user, cwd=self.dir, check=check,
                              capture_output=True, text=True, timeout=300)

    def psql(self, *commands):
        """Each command one simple query, in order, on one connection; stops at the first error."""
        argv = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                "-d", "postgres"]
        for c in commands:
            argv += ["-c", c]
        return self._run("psql", *argv, check=False)

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)


def sqlx_apply(pg, sql):
    """One migration as sqlx applies it (launchbadge/sqlx sqlx-core/src/migrate/source.rs: no_tx is
    sql.starts_with("-- no-transaction"); sqlx-postgres/src/migrate.rs apply: without no_tx, BEGIN,
    the file executed as one query, COMMIT; with it, the file as one query on the connection)."""
    if sql.startswith("-- no-transaction"):
        return pg.psql(sql)
    return pg.psql("BEGIN", sql, "COMMIT")


CARGO = """[package]
name = "ledger"
version = "0.1.0"
edition = "2021"

[dependencies]
anyhow = "1"
sqlx = { version = "0.7", default-features = false, features = ["runtime-tokio", "postgres", "migrate", "macros"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"""

MAIN = """use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let pool = PgPoolOptions::new().max_connections(5).connect(&url).await?;
    sqlx::migrate!("migrations/postgresql").run(&pool).await?;
    Ok(())
}
"""

SQLX_FILES = {
    "20240101000000_accounts.up.sql": "CREATE TABLE accounts (\n    id bigserial PRIMARY KEY,\n    email text NOT NULL,\n"
                                      "    created_at timestamptz NOT NULL DEFAULT now()\n);\n",
    "20240101000000_accounts.down.sql": "DROP TABLE accounts;\n",
    "20240301000000_accounts_email_idx.up.sql": "CREATE INDEX accounts_email_idx ON accounts (email);\n",
    "20240301000000_accounts_email_idx.down.sql": "DROP INDEX accounts_email_idx;\n",
}


def sqlx_crate(root, main=MAIN):
    write(os.path.join(root, "Cargo.toml"), CARGO)
    write(os.path.join(root, "src", "main.rs"), main)
    for name, text in SQLX_FILES.items():
        write(os.path.join(root, "migrations", "postgresql", name), text)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)


def suite_sqlx_subfolder(binary, run, tmp):
    crate = os.path.join(tmp, "ledger")
    sqlx_crate(crate)
    index = "migrations/postgresql/20240301000000_accounts_email_idx.up.sql"

    # The folder, from the crate's root: every file is sqlx's.
    code, out, err = run(crate, binary, "analyze", "--format", "json", "migrations/postgresql")
    report = json.loads(out) if out.startswith("{") else {"files": []}
    tools = {f["path"]: f.get("tool") for f in report["files"]}
    check(tools and all(t == "sqlx" for t in tools.values()), f"the crate's migrations/postgresql read as sqlx: {tools} {err}")
    # One file, from another folder: the crate above it says the same.
    code, out, err = run(tmp, binary, "analyze", "--format", "json", os.path.join("ledger", index))
    report = json.loads(out) if out.startswith("{") else {"files": []}
    check([f.get("tool") for f in report["files"]] == ["sqlx"], f"one file of the folder read as sqlx: {out[:300]} {err}")
    check("assumed" not in err, f"a folder the crate's migrate! names is not an assumption: {err}")

    # The plan, written as files: sqlx's opt-out on the first line, so the index is built outside
    # a transaction block.
    plans = os.path.join(tmp, "plans")
    code, out, err = run(crate, binary, "analyze", "--format", "plan", "-o", plans, "migrations/postgresql")
    written = os.path.join(plans, index)
    plan = open(written).read() if os.path.exists(written) else ""
    check(plan.startswith("-- no-transaction\n") and "CREATE INDEX CONCURRENTLY" in plan,
          f"the sqlx plan starts with -- no-transaction: {plan!r} {err}")

    if not os.path.exists(os.path.join(PG_BIN, "initdb")):
        print(f"skipped: the plan run as sqlx runs it (no {PG_BIN})")
    else:
        pg = Postgres(tmp)
        try:
            first = sqlx_apply(pg, SQLX_FILES["20240101000000_accounts.up.sql"])
            check(first.returncode == 0, f"the first migration applies: {first.stderr}")
            pg.psql("INSERT INTO accounts (email) SELECT 'a' || g || '@example.com' FROM generate_series(1, 1000) g")
            applied = sqlx_apply(pg, plan)
            check(applied.returncode == 0, f"the plan deploys as sqlx applies it: {applied.stderr.strip()}")
            valid = pg.psql("SELECT 1/(count(*))::int FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass AND indisvalid")
            check(valid.returncode == 0, f"the plan built a valid index: {valid.stderr.strip()}")
        finally:
            pg.stop()
        # trace --plan rehearses it as sqlx's, the command analyze prints.
        code, out, err = run(crate, binary, "trace", "--plan", "--pg-version", "15", "--format", "json",
                             "migrations/postgresql/20240101000000_accounts.up.sql", index)
        traced = json.loads(out) if out.startswith("{") else {"plans": []}
        plans_traced = traced.get("plans", [])
        check(len(plans_traced) == 1 and "for sqlx" in plans_traced[0].get("summary", ""),
              f"trace --plan composes the plan for sqlx: {[p.get('summary') for p in plans_traced]} {err[-300:]}")
        check(len(plans_traced) == 1 and plans_traced[0].get("verdict", {}).get("result") == "proven",
              f"the sqlx plan is proven: {json.dumps(plans_traced)[:600]}")

    # A crate that depends on sqlx but names no folder: assumed, said once, with the way out.
    other = os.path.join(tmp, "worker")
    sqlx_crate(other, main="fn main() {\n    println!(\"migrations run by sqlx-cli\");\n}\n")
    code, out, err = run(other, binary, "analyze", "--format", "json", "migrations/postgresql")
    report = json.loads(out) if out.startswith("{") else {"files": []}
    check(all(f.get("tool") == "sqlx" for f in report["files"]) and report["files"], f"assumed sqlx: {out[:200]}")
    notes = [l for l in err.splitlines() if "assumed" in l]
    check(len(notes) == 1 and 'tool = "golang-migrate"' in notes[0] and "Cargo.toml depends on sqlx" in notes[0],
          f"the assumption said once, with how to set the tool: {err}")
    write(os.path.join(other, ".pgfence.toml"), 'tool = "golang-migrate"\n')
    code, out, err = run(other, binary, "analyze", "--format", "json", "migrations/postgresql")
    report = json.loads(out) if out.startswith("{") else {"files": []}
    check(report["files"] and all(f.get("tool") == "golang-migrate" for f in report["files"]),
          f"tool = \"golang-migrate\" in the configuration: {[f.get('tool') for f in report['files']]} {err}")
    check("assumed" not in err, f"nothing assumed once the configuration says: {err}")


VERSIONED = "schema/postgresql/v12/temporal/versioned"


def manifest(version, files, description):
    return json.dumps({"CurrVersion": version, "MinCompatibleVersion": "1.0", "Description": description,
                       "SchemaUpdateCqlFiles": files}, indent=2) + "\n"


# Temporal's layout (temporalio/temporal schema/postgresql/v12/temporal/versioned/): each version
# folder runs the files its manifest.json lists, in that order; v1.10 comes after v1.9.
TEMPORAL = {
    "v1.0/manifest.json": manifest("1.0", ["schema.sql"], "base version of schema"),
    "v1.0/schema.sql": "CREATE TABLE executions(\n  shard_id INTEGER NOT NULL,\n  namespace_id BYTEA NOT NULL,\n"
                       "  workflow_id VARCHAR(255) NOT NULL,\n  run_id BYTEA NOT NULL,\n  next_event_id BIGINT NOT NULL,\n"
                       "  data BYTEA NOT NULL,\n  PRIMARY KEY (shard_id, namespace_id, workflow_id, run_id)\n);\n\n"
                       "CREATE TABLE current_executions(\n  shard_id INTEGER NOT NULL,\n  namespace_id BYTEA NOT NULL,\n"
                       "  workflow_id VARCHAR(255) NOT NULL,\n  run_id BYTEA NOT NULL,\n  create_request_id VARCHAR(64) NOT NULL,\n"
                       "  state INTEGER NOT NULL,\n  PRIMARY KEY (shard_id, namespace_id, workflow_id)\n);\n",
    "v1.1/manifest.json": manifest("1.1", ["cluster_metadata.sql"], "schema update for cluster metadata"),
    "v1.1/cluster_metadata.sql": "CREATE TABLE cluster_metadata (\n  metadata_partition INTEGER NOT NULL,\n  data BYTEA NOT NULL,\n"
                                 "  PRIMARY KEY (metadata_partition)\n);\n",
    # Never listed: temporal-sql-tool never runs it. Had it run, v1.10's index would exist already.
    "v1.1/cluster_metadata_draft.sql": "-- superseded draft\nCREATE INDEX executions_next_event_idx ON executions (next_event_id);\n",
    # Listed in this order, not the files' names' order: the index over the column the first adds.
    "v1.2/manifest.json": manifest("1.2", ["start_time.sql", "add_start_time_index.sql"], "start time and its index"),
    "v1.2/start_time.sql": "ALTER TABLE current_executions ADD COLUMN start_time TIMESTAMP NULL;\n",
    "v1.2/add_start_time_index.sql": "CREATE INDEX CONCURRENTLY IF NOT EXISTS current_executions_start_time_idx "
                                     "ON current_executions (start_time);\n",
    "v1.8/manifest.json": manifest("1.8", ["alter_columns.sql"], "Expand VARCHAR columns to VARCHAR(255)"),
    # A widening of the varchar(64) v1.0 made: no rewrite, known only from the earlier versions.
    "v1.8/alter_columns.sql": "ALTER TABLE current_executions ALTER COLUMN create_request_id TYPE VARCHAR(255);\n",
    "v1.9/manifest.json": manifest("1.9", ["next_event_check.sql"], "a check on next_event_id"),
    "v1.9/next_event_check.sql": "ALTER TABLE executions ADD CONSTRAINT executions_next_event_positive CHECK (next_event_id > 0);\n",
    "v1.10/manifest.json": manifest("1.10", ["next_event_index.sql"], "index executions by next event id"),
    "v1.10/next_event_index.sql": "CREATE INDEX executions_next_event_idx ON executions (next_event_id);\n",
}


def suite_temporal_manifest(binary, run, tmp):
    repo = os.path.join(tmp, "temporal")
    for name, text in TEMPORAL.items():
        write(os.path.join(repo, VERSIONED, name), text)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)

    code, out, err = run(repo, binary, "analyze", "--format", "json", VERSIONED)
    report = json.loads(out) if out.startswith("{") else {"files": []}
    files = {f["path"][len(VERSIONED) + 1:]: f for f in report["files"]}
    order = [f["path"][len(VERSIONED) + 1:] for f in report["files"] if not f.get("skipped")]
    check(order == ["v1.0/schema.sql", "v1.1/cluster_metadata.sql", "v1.2/start_time.sql", "v1.2/add_start_time_index.sql",
                    "v1.8/alter_columns.sql", "v1.9/next_event_check.sql", "v1.10/next_event_index.sql"],
          f"the versions in version order, each version's files in its manifest's order: {order} {err[-300:]}")
    listed = [f for n, f in files.items() if not n.endswith("_draft.sql")]
    def tool_note(f):
        notes = f.get("statements", [{}])[0].get("notes", []) if f.get("statements") else []
        return next((n for n in notes if n.startswith("temporal-sql-tool:")), "")
    check(listed and all("outside a transaction" in tool_note(f) for f in listed),
          f"the listed files are temporal-sql-tool's, run statement by statement: {[(n, tool_note(f)) for n, f in files.items()]}")
    draft = files.get("v1.1/cluster_metadata_draft.sql", {})
    check(draft.get("skipped") is True and "manifest.json" in (draft.get("skip_reason") or "") and not draft.get("findings"),
          f"the unlisted file is reported as not run, not judged: {json.dumps(draft)[:400]}")
    alter = files.get("v1.8/alter_columns.sql", {})
    check(alter and not any(x["rule"] == "alter-column-type-rewrite" for x in alter.get("findings", [])),
          f"v1.8's varchar widening is read after v1.0 made the column: {[x['rule'] for x in alter.get('findings', [])]}")
    index = files.get("v1.10/next_event_index.sql", {})
    plan = index.get("plan") or {}
    steps = plan.get("steps") or []
    check(len(steps) == 1 and "CREATE INDEX CONCURRENTLY" in steps[0].get("sql", "") and "BEGIN" not in steps[0].get("sql", ""),
          f"v1.10's index is rebuilt in place, concurrently, with no transaction: {json.dumps(plan)[:500]}")
    check(len(steps) == 1 and steps[0].get("path") == f"{VERSIONED}/v1.10/next_event_index.sql",
          f"the plan rewrites the file the manifest lists: {[s.get('path') for s in steps]}")
    check_plan = files.get("v1.9/next_event_check.sql", {}).get("plan") or {}
    check(not check_plan.get("steps") and "manifest.json" in (check_plan.get("declined") or ""),
          f"a plan that adds a file the manifest does not list is declined, saying why: {json.dumps(check_plan)[:500]}")

    if not os.path.exists(os.path.join(PG_BIN, "initdb")):
        print(f"skipped: trace --plan of the versioned folder (no {PG_BIN})")
        return
    # The whole folder on a real server: the draft is not run (else v1.10's index exists already),
    # and v1.10's plan is rehearsed and proven.
    code, out, err = run(repo, binary, "trace", "--plan", "--pg-version", "15", "--format", "json", VERSIONED)
    traced = json.loads(out) if out.startswith("{") else {}
    ran = [s.get("sql") for f in traced.get("files", []) if "draft" in f.get("path", "") for s in f.get("statements", [])
           if s.get("executed")]
    check(traced and not ran, f"trace does not run the unlisted file: {ran}")
    errors = [(f.get("path"), s.get("error")) for f in traced.get("files", []) for s in f.get("statements", []) if s.get("error")]
    check(traced and not errors, f"every listed statement runs: {errors} {err[-300:]}")
    plans = {p.get("path"): p for p in traced.get("plans", [])}
    proven = plans.get(f"{VERSIONED}/v1.10/next_event_index.sql", {})
    check(proven.get("verdict", {}).get("result") == "proven", f"v1.10's plan is proven: {json.dumps(proven)[:500]}")


def suite_dbmate_runner(binary, run, tmp):
    """A dbmate plan run through dbmate itself (npm's dbmate, with its bundled binary: the test
    takes it from $DBMATE or PATH, and skips, exit 77, without it), against PostgreSQL 15 started
    here: the plan `trace --plan` calls proven deploys with the tool."""
    dbmate = os.environ.get("DBMATE") or shutil.which("dbmate")
    if not dbmate or not os.path.exists(os.path.join(PG_BIN, "initdb")):
        print("skipped: needs dbmate ($DBMATE or PATH; `npm install dbmate`) and " + PG_BIN)
        sys.exit(77)
    repo = os.path.join(tmp, "app")
    mig = os.path.join(repo, "db", "migrations")
    write(os.path.join(mig, "20240101000000_users.sql"),
          "-- migrate:up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n")
    index = "db/migrations/20240301000000_users_email.sql"
    write(os.path.join(repo, index),
          "-- migrate:up\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX users_email_idx ON users (email);\n\n"
          "-- migrate:down\nDROP INDEX users_email_idx;\nALTER TABLE users DROP COLUMN nickname;\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    code, out, err = run(repo, binary, "trace", "--plan", "--pg-version", "15", "--format", "json",
                         "db/migrations/20240101000000_users.sql", index)
    traced = json.loads(out) if out.startswith("{") else {}
    plans = traced.get("plans", [])
    check(len(plans) == 1 and plans[0].get("verdict", {}).get("result") == "proven", f"the dbmate plan is proven: {json.dumps(plans)[:500]} {err[-300:]}")
    out_dir = os.path.join(tmp, "plan")
    code, out, err = run(repo, binary, "analyze", "--format", "plan", "-o", out_dir, "db/migrations")
    deploy = os.path.join(tmp, "deploy")
    os.makedirs(deploy)
    shutil.copy(os.path.join(mig, "20240101000000_users.sql"), deploy)
    written = sorted(os.listdir(os.path.join(out_dir, "db", "migrations"))) if os.path.isdir(os.path.join(out_dir, "db", "migrations")) else []
    check(len(written) >= 2, f"the plan writes its migrations: {written} {err}")
    for name in written:
        shutil.copy(os.path.join(out_dir, "db", "migrations", name), deploy)
    pg = Postgres(tmp)
    try:
        url = f"postgres://postgres@127.0.0.1:{pg.port}/postgres?sslmode=disable"
        env = dict(os.environ, DATABASE_URL=url)
        proc = subprocess.run([dbmate, "--migrations-dir", deploy, "--no-dump-schema", "up"], env=env, capture_output=True,
                              text=True, timeout=300)
        check(proc.returncode == 0, f"dbmate deploys the plan: {proc.stdout} {proc.stderr}")
        valid = pg.psql("SELECT 1/(count(*))::int FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass AND indisvalid")
        check(valid.returncode == 0, f"dbmate built the index, valid: {valid.stderr.strip()}")
    finally:
        pg.stop()


def suite_flyway_marquez(binary, run, tmp):
    """Marquez's Flyway layout (the DBA review dba70, issue #54): a SQL folder under
    src/main/resources beside Java migrations under src/main/java. Flyway runs a script of only
    CREATE INDEX CONCURRENTLY without a transaction by itself (V47: no finding), refuses one mixing
    it with other statements (V48: CRITICAL, "refuses"), and a plan's new versions avoid the Java
    classes' (44.1 by name, 44.3 by getVersion())."""
    repo = os.path.join(tmp, "marquez")
    sql = os.path.join(repo, "api", "src", "main", "resources", "marquez", "db", "migration")
    java = os.path.join(repo, "api", "src", "main", "java", "marquez", "db", "migrations")
    write(os.path.join(sql, "V1__init.sql"),
          "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE lineage_events (id bigint PRIMARY KEY, event_time timestamptz);\n")
    write(os.path.join(sql, "V44__email.sql"), "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n")
    write(os.path.join(sql, "V47__add_lineage_event_indexes.sql"),
          "CREATE INDEX CONCURRENTLY lineage_events_event_time\n    on lineage_events(event_time DESC);\n")
    write(os.path.join(sql, "V48__mixed.sql"),
          "ALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX CONCURRENTLY users_nick ON users (nick);\n")
    write(os.path.join(java, "V44_1__UpdateRunsWithJobUUID.java"),
          "public class V44_1__UpdateRunsWithJobUUID extends BaseJavaMigration {}\n")
    write(os.path.join(java, "V44_3_BackfillJobsWithParents.java"),
          "public class V44_3_BackfillJobsWithParents implements JavaMigration {\n"
          "  public MigrationVersion getVersion() { return MigrationVersion.fromVersion(\"44.3\"); }\n}\n")
    folder = "api/src/main/resources/marquez/db/migration"
    code, out, err = run(repo, binary, "analyze", "--no-config", "--format", "json", folder)
    report = json.loads(out) if out.startswith("{") else {}
    by_file = {os.path.basename(f.get("path", "")): f for f in report.get("files", [])}
    v47 = by_file.get("V47__add_lineage_event_indexes.sql", {})
    check(v47 and not v47.get("wrapped_in_transaction", True), f"Flyway runs V47 without a transaction: {json.dumps(v47)[:600]} {err[-300:]}")
    rules47 = [f.get("rule") for f in v47.get("findings", [])]
    check("concurrently-in-transaction" not in rules47, f"V47 has no concurrently-in-transaction: {rules47}")
    v48 = by_file.get("V48__mixed.sql", {})
    mixed = [f for f in v48.get("findings", []) if f.get("rule") == "concurrently-in-transaction"]
    check(len(mixed) == 1 and "refuses" in mixed[0].get("message", ""), f"V48: Flyway refuses the mixed script: {json.dumps(mixed)[:600]}")
    code, out, err = run(repo, binary, "analyze", "--no-config", "--color", "never", folder)
    check("V44.0.1__email_2.sql" in out and "V44.0.2__email_3.sql" in out and "V44.1__" not in out,
          f"the plan's versions avoid the Java migrations' 44.1 and 44.3:\n{out[-3000:]}{err[-300:]}")


SUITES = {"sqlx_subfolder": suite_sqlx_subfolder, "temporal_manifest": suite_temporal_manifest,
          "dbmate_runner": suite_dbmate_runner, "flyway_marquez": suite_flyway_marquez}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PGFENCE_", "GITHUB_"))}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"})

    def run(cwd, *argv):
        proc = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        return proc.returncode, proc.stdout, proc.stderr

    with tempfile.TemporaryDirectory(prefix="pgfence-layouts-") as tmp:
        env["HOME"] = tmp
        SUITES[args.suite](binary, run, tmp)
    for f in failures:
        print("FAIL:", f)
    print(f"{args.suite}: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
