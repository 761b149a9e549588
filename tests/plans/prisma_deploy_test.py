#!/usr/bin/env python3
"""A Prisma plan is offered only as `prisma migrate deploy` runs it, and keeps the old release's
queries served at every step (issue #54; the DBA review dba70 of ghostfolio and rallly).

How Prisma runs a migration (prisma/prisma-engines, schema-engine sql-schema-connector
flavour/postgres/connector/native/mod.rs `apply_migration_script`): the folders in the order of
their names, each migration.sql sent whole as ONE simple query (`client.simple_query(script)`).
Prisma's schema engine downloads its binary at run time, which this machine cannot, so the test
applies the plan's folders with that protocol itself: `psql -c <the whole file>` is one simple
query too (several statements: one implicit transaction; one statement: no transaction block).

Cases, each a Prisma folder (init migration, then the file):
- backfill_walk (ghostfolio 20250401084916_set_value_of_currency_to_null_in_order: an UPDATE of
  every row). The plan's batched walk was a step "by hand or by a job", which a deploy by
  `prisma migrate deploy` (ghostfolio's container entrypoint) never runs: every self-hosted
  install kept the old values. Now the walk is a migration folder of its own, alone in its query
  (its COMMITs work only there), no step is out of band, the notes say what P3009 means and how
  to resume (`prisma migrate resolve --rolled-back`); the written folders, applied as Prisma
  applies them on a server with 12,000 rows, leave every currency NULL; `trace --plan` proves it.
- index_swap (ghostfolio 20260822000000_updated_indexes_of_order: drops the old indexes of Order,
  then builds the new ones). The plan kept that order, so for the builds' whole duration the
  table's queries had no index; now every new index is built CONCURRENTLY before the old ones are
  dropped CONCURRENTLY; the folders deploy as Prisma applies them and `trace --plan` proves it.
- unique_swap_kept: the same with a UNIQUE old index: kept longer it would refuse writes the
  original takes from its commit on, so the file's order stays.

usage: prisma_deploy_test.py PGFENCE"""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

INIT = """-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "currency" TEXT,
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "date" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Order_userId_idx" ON "Order"("userId");

-- CreateIndex
CREATE INDEX "Order_type_idx" ON "Order"("type");

-- CreateIndex
CREATE UNIQUE INDEX "Order_userId_date_key" ON "Order"("userId", "date");
"""

FOLDER = "prisma/migrations"
INIT_NAME = "20240101000000_init"

CASES = {
    "backfill_walk": ("20250401084916_set_value_of_currency_to_null_in_order",
                      "-- AlterTable\nUPDATE \"Order\" SET \"currency\" = NULL;\n"),
    "index_swap": ("20260822000000_updated_indexes_of_order", """-- DropIndex
DROP INDEX "Order_type_idx";

-- DropIndex
DROP INDEX "Order_userId_idx";

-- CreateIndex
CREATE INDEX "Order_userId_date_idx" ON "Order"("userId", "date");

-- CreateIndex
CREATE INDEX "Order_userId_type_date_idx" ON "Order"("userId", "type", "date");
"""),
    "unique_swap_kept": ("20260901000000_replaced_unique_of_order", """-- DropIndex
DROP INDEX "Order_userId_date_key";

-- CreateIndex
CREATE INDEX "Order_userId_date_type_idx" ON "Order"("userId", "date", "type");
"""),
}

PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"))), "")


def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throwaway server; as root, run as the postgres user (initdb refuses root)."""

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

    def query(self, sql):
        """`sql` as ONE simple query, as Prisma's schema engine sends a migration.sql."""
        return self._run("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", "postgres", "-d", "postgres", "-c", sql, check=False)

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def run(binary, root, *args):
    env = dict(os.environ)
    if PG_BIN:
        env["PATH"] = PG_BIN + ":" + env.get("PATH", "")
    return subprocess.run([binary, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)


def analyzed_plan(binary, root, name):
    proc = run(binary, root, "analyze", "--no-config", "--format", "json", FOLDER)
    doc = json.loads(proc.stdout)
    return next((f.get("plan") for f in doc["files"] if f["path"].endswith(name + "/migration.sql")), None) or {}


def written_folders(binary, root, name):
    """The plan's folders, as `--format plan` writes them: {folder name: migration.sql text}, and
    the paths written outside prisma/migrations (out-of-band, later-release, after-out-of-band)."""
    out = os.path.join(root, "plan-out")
    shutil.rmtree(out, ignore_errors=True)
    run(binary, root, "analyze", "--no-config", "--format", "plan", "-o", out, FOLDER)
    folders, elsewhere = {}, []
    for path in glob.glob(os.path.join(out, "**", "*.sql"), recursive=True):
        rel = os.path.relpath(path, out)
        if rel.startswith(FOLDER + "/") and rel.endswith("/migration.sql") and rel.count("/") == 3:
            folders[rel.split("/")[2]] = open(path).read()
        else:
            elsewhere.append(rel)
    return folders, elsewhere


def traced_verdict(binary, root, name):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        proc = run(binary, root, "trace", "--plan", "--pg-version", "15", "--format", "json", "-o", out.name,
                   f"{FOLDER}/{INIT_NAME}/migration.sql", f"{FOLDER}/{name}/migration.sql")
        try:
            doc = json.load(open(out.name))
        except (OSError, json.JSONDecodeError):
            return {"result": f"no report (exit {proc.returncode}): {proc.stderr[-400:]}"}, []
    plan = next((p for p in doc.get("plans", []) if p["path"].endswith(name + "/migration.sql")), {})
    return plan.get("verdict") or {}, plan.get("steps") or []


def deploy_as_prisma(root, folders, seed, check):
    """The init folder, `seed`, then the plan's folders in the order of their names, each file one
    simple query; returns the server for `check`, or the failure."""
    pg = Postgres(root)
    try:
        first = pg.query(INIT)
        if first.returncode != 0:
            return f"the init migration fails: {first.stderr.strip()}"
        seeded = pg.query(seed)
        if seeded.returncode != 0:
            return f"the seed fails: {seeded.stderr.strip()}"
        for name in sorted(folders):
            applied = pg.query(folders[name])
            if applied.returncode != 0:
                return f"prisma migrate deploy would stop at {name}: {applied.stderr.strip()}"
        return check(pg)
    finally:
        pg.stop()


SEED = ("INSERT INTO \"Order\" (id, currency, \"userId\", type, date) SELECT 'o' || g, 'USD', 'u' || (g % 50), "
        "CASE WHEN g % 2 = 0 THEN 'BUY' ELSE 'SELL' END, now() + g * interval '1 second' FROM generate_series(1, 12000) g")


def check_backfill_walk(binary, root, name, problems, with_server):
    plan = analyzed_plan(binary, root, name)
    steps = plan.get("steps") or []
    if plan.get("declined") or not steps:
        problems.append(f"backfill_walk: no plan: {plan.get('declined')}")
        return
    by_hand = [s["title"] for s in steps if s.get("run") == "out of band"]
    if by_hand:
        problems.append(f"backfill_walk: steps by hand, which `prisma migrate deploy` never runs: {by_hand}")
    walks = [s for s in steps if "DO $pgfence_walk$" in s["sql"]]
    if len(walks) != 1 or walks[0].get("run") != "no transaction" or "SET " in walks[0]["sql"].split("DO $pgfence_walk$")[0].replace("-- ", "#"):
        problems.append(f"backfill_walk: the walk is not a migration of its own, alone in its query: {json.dumps(steps)[:800]}")
    notes = " ".join(plan.get("notes") or [])
    if "P3009" not in notes or "prisma migrate resolve --rolled-back" not in notes:
        problems.append(f"backfill_walk: the notes do not say what a failed Prisma migration means (P3009) and how to resume: {notes[:600]}")
    folders, elsewhere = written_folders(binary, root, name)
    if elsewhere or not folders:
        problems.append(f"backfill_walk: files written outside the Prisma folder: {elsewhere}, folders {sorted(folders)}")
    if not with_server or not folders:
        return

    def all_null(pg):
        left = pg.query("SELECT count(currency) FROM \"Order\"")
        return None if left.stdout.strip() == "0" else f"rows keep their currency after the deploy: {left.stdout.strip()} {left.stderr.strip()}"
    failed = deploy_as_prisma(root, folders, SEED, all_null)
    if failed:
        problems.append("backfill_walk: " + failed)
    verdict, traced = traced_verdict(binary, root, name)
    if verdict.get("result") != "proven" or any(s.get("run") == "out of band" for s in traced):
        problems.append(f"backfill_walk: rehearsed: {verdict.get('result')}: {verdict.get('reason', '')[:400]} "
                        f"{[(s.get('title'), s.get('outcome')) for s in traced]}")


def index_steps(steps):
    """(kind, index name) of each index step, in order."""
    out = []
    for s in steps:
        sql = "\n".join(line for line in s["sql"].splitlines() if not line.lstrip().startswith("--"))
        for kind in ("CREATE INDEX CONCURRENTLY", "DROP INDEX CONCURRENTLY IF EXISTS", "CREATE INDEX", "DROP INDEX"):
            if kind in sql:
                out.append((kind.split()[0], sql.split(kind, 1)[1].split()[0].rstrip(";")))
                break
    return out


def check_index_swap(binary, root, name, problems, with_server):
    plan = analyzed_plan(binary, root, name)
    order = index_steps(plan.get("steps") or [])
    kinds = [k for k, _ in order]
    if plan.get("declined") or kinds != ["CREATE", "CREATE", "DROP", "DROP"]:
        problems.append(f"index_swap: the old indexes are not dropped after the new ones are built: {order} "
                        f"{plan.get('declined') or ''}")
        return
    folders, elsewhere = written_folders(binary, root, name)
    if elsewhere or len(folders) != 4:
        problems.append(f"index_swap: the plan's folders: {sorted(folders)}, elsewhere {elsewhere}")
        return
    if not with_server:
        return

    def indexes(pg):
        got = pg.query("SELECT indexrelid::regclass::text || ':' || indisvalid FROM pg_index WHERE indrelid = '\"Order\"'::regclass")
        want = ['"Order_pkey":true', '"Order_userId_date_idx":true', '"Order_userId_date_key":true', '"Order_userId_type_date_idx":true']
        have = sorted(got.stdout.split())
        return None if have == want else f"the indexes after the deploy: {have} {got.stderr.strip()}"
    failed = deploy_as_prisma(root, folders, SEED, indexes)
    if failed:
        problems.append("index_swap: " + failed)
    verdict, traced = traced_verdict(binary, root, name)
    if verdict.get("result") != "proven":
        problems.append(f"index_swap: rehearsed: {verdict.get('result')}: {verdict.get('reason', '')[:400]}")


def check_unique_swap_kept(binary, root, name, problems, with_server):
    plan = analyzed_plan(binary, root, name)
    kinds = [k for k, _ in index_steps(plan.get("steps") or [])]
    if not plan.get("declined") and kinds != ["DROP", "CREATE"]:
        problems.append(f"unique_swap_kept: a unique index's drop moved after the build: {kinds}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    with_server = bool(PG_BIN) and os.path.exists(os.path.join(PG_BIN, "initdb"))
    problems = []
    checks = {"backfill_walk": check_backfill_walk, "index_swap": check_index_swap, "unique_swap_kept": check_unique_swap_kept}
    for case, (name, text) in CASES.items():
        with tempfile.TemporaryDirectory() as root:
            write(os.path.join(root, FOLDER, INIT_NAME, "migration.sql"), INIT)
            write(os.path.join(root, FOLDER, name, "migration.sql"), text)
            write(os.path.join(root, FOLDER, "migration_lock.toml"), 'provider = "postgresql"\n')
            checks[case](binary, root, name, problems, with_server)
    for p in problems:
        print("FAIL " + p)
    if problems:
        return 1
    print(f"ok: {len(CASES)} cases" + ("" if with_server else " (composer only: no PostgreSQL to deploy on)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
