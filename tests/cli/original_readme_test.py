"""Issue #18 §4: every command of the original pgfence's README and launch posts, run as written
through `bash -c` in a project laid out as those commands expect (so bash expands the globs as
its readers' shells do; `pgfence` on PATH is the built binary), each checked for its meaning
here: exit code, output format, the findings it must contain, the stats moving a risk, the hook
`init` installs. A PostgreSQL 15 (Debian's, from /usr/lib/postgresql/15/bin, never PATH) holds
a table big enough that the live sizes move a risk.

    original_readme_test.py --binary build/bot/pgfence
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

# The original pgfence's README commands and launch-post commands, as written. Two carry a
# placeholder database that the test points at its own server (DB_PLACEHOLDERS); the README's
# order, except that the launch posts' extract-stats comes before the README's --stats-file,
# which reads the file it writes.
COMMANDS = [
    "pgfence init",
    "pgfence analyze migrations/*.sql",
    "pgfence analyze --format typeorm src/migrations/*.ts",
    "pgfence analyze --format prisma prisma/migrations/**/migration.sql",
    "pgfence analyze --format knex migrations/*.ts",
    "pgfence analyze migrations/*",
    "pgfence analyze --db-url postgres://readonly@replica:5432/mydb migrations/*.sql",
    "pgfence extract-stats --db-url ... > pgfence-stats.json",
    "pgfence analyze --stats-file pgfence-stats.json migrations/*.sql",
    "pgfence analyze --output json migrations/*.sql",
    "pgfence analyze --output github migrations/*.sql",
    "pgfence analyze --ci --max-risk medium migrations/*.sql",
    "pgfence trace --ci --max-risk medium migrations/*.sql",
]
# The placeholders for a database in the commands above; each is also run as written, where
# it must fail as a connection failure does.
DB_PLACEHOLDERS = ["postgres://readonly@replica:5432/mydb", "--db-url ..."]

PG_BIN = "/usr/lib/postgresql/15/bin"  # Debian's server, never an initdb that happens to be on PATH
SKIP = 77
# "large" by rows (1M), but its heap is read in about a second at 50 MB/s: the time decides,
# and a size-sensitive finding under 5 s is MEDIUM at most.
BIG_ROWS = 1_200_000

FILES = {
    # users exists in production (the test server) with BIG_ROWS rows; the migrations create it
    # when it is missing, as a fresh database (trace's) needs.
    "migrations/001_users.sql": "SET lock_timeout = '2s';\n"
                                "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\n",
    "migrations/002_users_email.sql": "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"
                                      "CREATE INDEX users_email_idx ON users (email);\n",
    "migrations/20240101_add_nickname.ts": (
        "import { Knex } from 'knex';\n\n"
        "export async function up(knex: Knex): Promise<void> {\n"
        "  await knex.raw(\"ALTER TABLE users ALTER COLUMN email SET NOT NULL\");\n"
        "}\n\n"
        "export async function down(knex: Knex): Promise<void> {\n"
        "  await knex.raw(\"ALTER TABLE users ALTER COLUMN email DROP NOT NULL\");\n"
        "}\n"),
    "src/migrations/1700000000000-AddOrders.ts": (
        "import { MigrationInterface, QueryRunner } from 'typeorm';\n\n"
        "export class AddOrders1700000000000 implements MigrationInterface {\n"
        "  public async up(queryRunner: QueryRunner): Promise<void> {\n"
        "    await queryRunner.query(`ALTER TABLE orders ADD CONSTRAINT orders_user_fk "
        "FOREIGN KEY (user_id) REFERENCES users (id)`);\n"
        "  }\n\n"
        "  public async down(queryRunner: QueryRunner): Promise<void> {\n"
        "    await queryRunner.query(`ALTER TABLE orders DROP CONSTRAINT orders_user_fk`);\n"
        "  }\n}\n"),
    "prisma/migrations/20240101000000_drop_legacy/migration.sql":
        "-- AlterTable\nALTER TABLE \"users\" DROP COLUMN \"legacy\";\n",
}

failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
    return condition


class Postgres:
    """A throwaway PostgreSQL 15 on 127.0.0.1 and a free port, as `postgres` when run as root."""

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
        self.running = True

    def _run(self, program, *args):
        return subprocess.run([os.path.join(PG_BIN, program), *args], user=self.user, cwd=self.dir, check=True,
                              capture_output=True, text=True, timeout=300)

    def sql(self, database, statement):
        return self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", "postgres", "-d", database, "-c", statement).stdout

    def url(self, user, database):
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def stop(self):
        if self.running:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self.running = False


def run(command, cwd, env):
    """One command line through bash -c, as a reader's shell runs it."""
    proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def findings_of(report):
    return {(f["path"], x["rule"], x["risk"]) for f in report["files"] for x in f.get("findings", [])}


def risk_of(report, path, rule):
    return next((x["risk"] for f in report["files"] if f["path"] == path for x in f.get("findings", [])
                 if x["rule"] == rule), None)


def project(root):
    """The layout the commands expect, a git repository (for init) with nothing committed."""
    for path, text in FILES.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    subprocess.run(["git", "init", "-q", root], check=True)


def environment(tmp, binary):
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.abspath(binary), os.path.join(bin_dir, "pgfence"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "GIT_", "GITHUB_")) and k != "NO_COLOR"}
    env.update({"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})
    return env


def error_lines(err):
    return [line for line in err.splitlines() if line.startswith("error:")]


def text_risk(out, path, rule):
    """The risk the text report gives `rule` in `path`'s section."""
    section = out.split(path, 1)[1] if path in out else ""
    section = re.split(r"\n\S", section, maxsplit=1)[0]
    found = re.search(r"\b(LOW|MEDIUM|HIGH|CRITICAL)\s+" + re.escape(rule) + r"\b", section)
    return found.group(1) if found else None


def scenario(binary, tmp, pg):
    root = os.path.join(tmp, "project")
    project(root)
    env = environment(tmp, binary)
    live_url = pg.url("readonly", "mydb")
    results = {}
    for command in COMMANDS:
        for placeholder in DB_PLACEHOLDERS:
            if placeholder in command:
                code, out, err = run(command, root, env)
                check(code == 2 and len(error_lines(err)) == 1,
                      f"{command!r} as written (no such database): one error: line, exit 2: {code} {err!r}")
                command = command.replace(placeholder, live_url if "://" in placeholder else "--db-url " + live_url)
        results[command] = run(command, root, env)
        code, out, err = results[command]
        print(f"$ {command}\n  exit {code}, {len(out)} bytes out, stderr: {err.strip()[-300:]!r}")

    def result(i):
        return results[[c for c in results][i]]

    # pgfence init: the hook is in .git/hooks, runs pgfence, and refuses the risky commit.
    code, out, err = result(0)
    hook = os.path.join(root, ".git", "hooks", "pre-commit")
    check(code == 0 and "wrote the pre-commit hook to .git/hooks/pre-commit" in out, f"init: {code} {out!r} {err!r}")
    check(os.access(hook, os.X_OK), "init: the hook is executable")
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    commit = subprocess.run(["git", "commit", "-m", "migrations"], cwd=root, env=env, capture_output=True, text=True)
    check(commit.returncode != 0 and "create-index-without-concurrently" in commit.stdout + commit.stderr,
          f"init: the hook refuses the commit of a HIGH finding: {commit.returncode} {commit.stderr[-400:]!r}")

    code, out, err = result(1)  # analyze migrations/*.sql: the text report, exit 0 without --ci
    check(code == 0 and text_risk(out, "migrations/002_users_email.sql", "create-index-without-concurrently") == "HIGH"
          and "migrations/001_users.sql" in out and not out.lstrip().startswith("{"),
          f"analyze migrations/*.sql: {code} {out[:300]!r} {err!r}")
    no_stats = out

    code, out, err = result(2)  # --format typeorm: the TypeORM class's queryRunner.query SQL
    check(code == 0 and "1700000000000-AddOrders.ts" in out and
          text_risk(out, "1700000000000-AddOrders.ts", "add-foreign-key-without-not-valid") is not None,
          f"--format typeorm: {code} {out[:600]!r} {err!r}")

    code, out, err = result(3)  # --format prisma: the migration.sql files
    check(code == 0 and text_risk(out, "20240101000000_drop_legacy/migration.sql", "drop-column") is not None,
          f"--format prisma: {code} {out[:600]!r} {err!r}")

    code, out, err = result(4)  # --format knex: knex.raw's SQL
    check(code == 0 and text_risk(out, "migrations/20240101_add_nickname.ts", "set-not-null-scan") is not None,
          f"--format knex: {code} {out[:600]!r} {err!r}")

    code, out, err = result(5)  # migrations/*: SQL and the knex file, told apart by content
    check(code == 0 and text_risk(out, "migrations/20240101_add_nickname.ts", "set-not-null-scan") is not None
          and text_risk(out, "migrations/002_users_email.sql", "create-index-without-concurrently") == "HIGH",
          f"migrations/*: {code} {out[:600]!r} {err!r}")

    code, out, err = result(6)  # --db-url: live sizes; users' index build is short, so HIGH becomes MEDIUM
    check(code == 0 and text_risk(out, "migrations/002_users_email.sql", "create-index-without-concurrently") == "MEDIUM"
          and "risk HIGH \u2192 MEDIUM (under 5 s)" in out,
          f"--db-url: the big table moves the risk: {code} {out[:800]!r} {err!r}")
    check("table sizes from " + live_url in err, f"--db-url: says where the sizes came from: {err!r}")
    db_url_out = out

    code, out, err = result(7)  # extract-stats > pgfence-stats.json
    with open(os.path.join(root, "pgfence-stats.json"), encoding="utf-8") as f:
        snapshot = json.load(f) if code == 0 else {}
    users = [t for t in snapshot.get("tables", []) if t.get("table") == "users" or t.get("name") == "users"]
    check(code == 0 and users and (users[0].get("rows") or 0) >= 1_000_000,
          f"extract-stats: the snapshot on standard output has users' rows: {code} {err!r} {str(users)[:300]}")

    code, out, err = result(8)  # --stats-file: what --db-url gave, from the file
    check(code == 0 and out == db_url_out and out != no_stats,
          f"--stats-file: the same report as --db-url, not the one without sizes: {code} {err!r}")

    code, out, err = result(9)  # --output json: JSON on standard output, no file named json
    report = json.loads(out) if code == 0 else {"files": []}
    check(("migrations/002_users_email.sql", "create-index-without-concurrently", "HIGH") in findings_of(report),
          f"--output json: {code} {out[:300]!r} {err!r}")
    check(not os.path.exists(os.path.join(root, "json")), "--output json: no file named json")

    code, out, err = result(10)  # --output github: the PR comment (markdown), as the original's users post it
    _, markdown, _ = run("pgfence analyze --format markdown migrations/*.sql", root, env)
    _, annotations, _ = run("pgfence analyze --format github migrations/*.sql", root, env)
    check(code == 0 and out == markdown and "create-index-without-concurrently" in out and "::" not in out.split("\n")[0],
          f"--output github: the markdown report: {code} {out[:300]!r} {err!r}")
    check(annotations.startswith("::") and annotations != out, f"--format github: still workflow commands: {annotations[:200]!r}")
    check(not os.path.exists(os.path.join(root, "github")), "--output github: no file named github")

    code, out, err = result(11)  # --ci --max-risk medium: exit 1 on the HIGH finding
    check(code == 1 and "findings above --max-risk MEDIUM" in err, f"--ci --max-risk medium: {code} {err!r}")

    code, out, err = result(12)  # trace --ci --max-risk medium: traced on a throwaway server, exit 1
    check(code == 1 and re.search(r"CONFIRMED\s+CREATE INDEX users_email_idx ON users \(email\)\s+\[HIGH\]", out)
          and "risk above --max-risk MEDIUM" in err, f"trace --ci --max-risk medium: {code} {out[-800:]!r} {err[-400:]!r}")

    # --db-url beyond the README: over --stats-file (a note), from $PGFENCE_DB_URL, and a
    # connection failure that never shows the password.
    stale = os.path.join(root, "stale-stats.json")
    with open(stale, "w", encoding="utf-8") as f:
        json.dump({**snapshot, "tables": []}, f)
    code, out, err = run(f"pgfence analyze --stats-file stale-stats.json --db-url {live_url} migrations/*.sql", root, env)
    notes = [line for line in err.splitlines() if line.startswith("note:")]
    check(code == 0 and out == db_url_out and len(notes) == 1 and "stale-stats.json is ignored" in notes[0],
          f"--db-url wins over --stats-file, with one note: line: {code} {err!r}")
    code, out, err = run("pgfence analyze migrations/*.sql", root, {**env, "PGFENCE_DB_URL": live_url})
    check(code == 0 and out == db_url_out, f"$PGFENCE_DB_URL is --db-url's default: {code} {err!r}")
    code, out, err = run("pgfence analyze --stats-file stale-stats.json migrations/*.sql", root, {**env, "PGFENCE_DB_URL": live_url})
    check(code == 0 and text_risk(out, "migrations/002_users_email.sql", "create-index-without-concurrently") == "HIGH"
          and "note:" not in err and "table sizes from" not in err, f"--stats-file wins over $PGFENCE_DB_URL: {code} {err!r}")
    password = "Pw-" + os.urandom(6).hex()
    dead = f"postgresql://readonly:{password}@127.0.0.1:{unused_port()}/mydb"
    code, out, err = run(f"pgfence analyze --db-url '{dead}' migrations/*.sql", root, env)
    check(code == 2 and len(error_lines(err)) == 1 and error_lines(err)[0].startswith("error: analyze --db-url: ")
          and password not in out + err and out == "", f"--db-url, no server: one error: line, no password: {code} {err!r}")
    return 0


def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(PG_BIN, "initdb")):
        print(f"SKIP: no PostgreSQL 15 in {PG_BIN}")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="pgfence-original-")
    pg = None
    try:
        pg = Postgres(tmp)
        pg.sql("postgres", "CREATE ROLE readonly LOGIN")
        pg.sql("postgres", "CREATE DATABASE mydb")
        pg.sql("mydb", "CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy text);"
                       f"INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, {BIG_ROWS}) g;"
                       "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL); ANALYZE;")
        scenario(args.binary, tmp, pg)
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print("FAILED:", failure)
    print(f"original_readme: {checks - len(failures)}/{checks} checks passed")
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
