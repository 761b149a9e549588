"""node-pg-migrate's index operations and pgm.noTransaction() are read as the SQL the tool sends
(stranger review 84: hirosystems/stacks-blockchain-api's 16 `pgm.createIndex` calls on its largest
tables were unknowns, not HIGH), and a plan for such a migration is a node-pg-migrate script the
tool runs, in the order it runs them. Real git repositories, the real binary; the plan is deployed
with real node-pg-migrate 7 and pg from npm (PGFENCE_TEST_NODE_MODULES, or installed once into
/tmp/pgfence-test-npm-node-pg-migrate) on a PostgreSQL the test starts, else that scenario is skipped (77).

    test_node_pg_migrate_builders.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
Scenarios:
  index_builders  createIndex without `concurrently` on a table an earlier migration made is HIGH
                  create-index-without-concurrently at its line; unique/where/method/include/name
                  options and dropIndex are read; a computed option object stays unknown
  no_transaction  pgm.noTransaction() takes the migration out of node-pg-migrate's transaction: a
                  concurrently index there is clean, without it CRITICAL concurrently-in-transaction;
                  noTransaction() after a branch of up() is unknown at its line
  plan_deploys    the plan of a createIndex + ADD COLUMN migration is two node-pg-migrate scripts
                  (pgm.noTransaction(), pgm.sql), the second named with a new number after the
                  original, and real node-pg-migrate runs them in order on a database with rows
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_review_precision import env, repository  # noqa: E402
from real_tools import PG_BIN, SKIP, node_modules  # noqa: E402

# Its own prefix: test_capture_not_replacing installs knex into /tmp/pgfence-test-npm, maybe at the same time.
NPM_PREFIX = "/tmp/pgfence-test-npm-node-pg-migrate"

BASE = {
    "package.json": '{"name":"app","private":true,"scripts":{"migrate":"node-pg-migrate -m migrations"},'
                    '"dependencies":{"node-pg-migrate":"7.9.1","pg":"8.11.0"}}\n',
    "migrations/1700000000000_init.js": "exports.up = (pgm) => {\n"
                                        '  pgm.sql("CREATE TABLE events (id bigint PRIMARY KEY, block_height int, tx_id text)");\n'
                                        "};\n",
}


def findings(s):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    report = json.loads(proc.stdout)
    return report, [(os.path.normpath(f["path"]), x["rule"], x["start"]["line"], x["risk"])
                    for f in report["files"] for x in f["findings"]]


def statements_of(report, path):
    for f in report["files"]:
        if os.path.normpath(f["path"]) == path:
            return [st.get("sql", "") for st in f.get("statements", [])]
    return []


def index_builders(s):
    path = "migrations/1700000000001_indexes.js"
    repository(s, {**BASE, path: "exports.up = (pgm) => {\n"
                                 "  pgm.createIndex('events', 'block_height');\n"
                                 "  pgm.createIndex('events', ['tx_id', 'lower(tx_id)'], { unique: true, where: 'tx_id IS NOT NULL', "
                                 "method: 'btree', include: 'id', name: 'events_tx' });\n"
                                 "  pgm.dropIndex('events', 'block_height');\n"
                                 "};\n",
                   "migrations/1700000000002_computed.js": "const opts = process.env.UNIQUE ? { unique: true } : {};\n"
                                                           "exports.up = (pgm) => {\n"
                                                           "  pgm.createIndex('events', 'tx_id', opts);\n"
                                                           "};\n"})
    report, found = findings(s)
    high = [(p, line) for p, rule, line, risk in found if rule == "create-index-without-concurrently" and risk == "HIGH"]
    check((path, 2) in high and (path, 3) in high, f"both createIndex calls are HIGH create-index-without-concurrently: {found}")
    check(not [f for f in found if f[0] == path and f[1] == "unknown-statement"], f"every call of {path} is read: {found}")
    sql = " ".join(statements_of(report, path))
    check('CREATE INDEX "events_block_height_index" ON "events" ("block_height")' in sql, f"the name node-pg-migrate makes: {sql}")
    check('CREATE UNIQUE INDEX "events_tx" ON "events" USING btree ("tx_id", lower(tx_id)) INCLUDE ("id") WHERE tx_id IS NOT NULL'
          in sql, f"the options as node-pg-migrate writes them: {sql}")
    check('DROP INDEX "events_block_height_index"' in sql, f"dropIndex is read: {sql}")
    computed = [(p, line) for p, rule, line, _ in found if rule == "unknown-statement"]
    check(("migrations/1700000000002_computed.js", 3) in computed, f"a computed option object stays unknown: {found}")


def no_transaction(s):
    outside, inside, branch = ("migrations/1700000000001_outside.js", "migrations/1700000000002_inside.js",
                               "migrations/1700000000003_branch.js")
    repository(s, {**BASE,
                   outside: "exports.up = (pgm) => {\n  pgm.createIndex('events', 'tx_id', { concurrently: true });\n"
                            "  pgm.noTransaction();\n};\n",
                   inside: "exports.up = (pgm) => {\n  pgm.createIndex('events', 'block_height', { concurrently: true });\n};\n",
                   branch: "exports.up = (pgm) => {\n  if (process.env.BIG) {\n    pgm.noTransaction();\n  }\n"
                           "  pgm.createIndex('events', 'id', { concurrently: true, name: 'events_id2' });\n};\n"})
    _, found = findings(s)
    check(not [f for f in found if f[0] == outside], f"noTransaction(): the concurrently index is clean: {found}")
    check((inside, "concurrently-in-transaction", 2, "CRITICAL") in found, f"inside node-pg-migrate's transaction it fails: {found}")
    check((branch, "unknown-statement", 3) in [(p, r, line) for p, r, line, _ in found],
          f"noTransaction() under a branch is unknown at its line: {found}")


class Postgres:
    """PostgreSQL 15 in a temporary folder on 127.0.0.1 and a random port (as nobody when root)."""

    def __init__(self):
        if not os.path.isfile(os.path.join(PG_BIN, "postgres")):
            print(f"SKIP: no PostgreSQL at {PG_BIN}")
            sys.exit(SKIP)
        self.dir = tempfile.mkdtemp(prefix="pgfence-npgm-pg-")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if as_user:
            shutil.chown(self.dir, "nobody")
        data = os.path.join(self.dir, "data")
        subprocess.run([*as_user, os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "-A", "trust"],
                       check=True, capture_output=True, timeout=120)
        self.proc = subprocess.Popen([*as_user, os.path.join(PG_BIN, "postgres"), "-D", data, "-p", str(self.port), "-k", self.dir,
                                      "-c", "listen_addresses=127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            if subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start")

    def sql(self, text):
        proc = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-XAtc", text],
                              capture_output=True, text=True, timeout=60)
        check(proc.returncode == 0, f"psql: {proc.stderr}")
        return proc.stdout

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


def plan_deploys(s):
    path = "migrations/1700000000001_indexes.js"
    repository(s, {**BASE, path: "exports.up = (pgm) => {\n"
                                 "  pgm.createIndex('events', 'block_height');\n"
                                 "  pgm.sql('ALTER TABLE events ADD COLUMN note text');\n"
                                 "};\n",
                   "migrations/1700000000005_later.js": "exports.up = (pgm) => {\n  pgm.sql('SELECT 1');\n};\n"})
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "plan", path], cwd=s.repo, env=env(),
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"plan: exit {proc.returncode}: {proc.stderr}")
    written = sorted(os.listdir(os.path.join(s.repo, "pgfence-plan", "migrations")))
    check(written == ["1700000000001_indexes.js", "1700000000002_indexes_2.js"],
          f"the plan's second migration takes the next number (node-pg-migrate sorts `1_x_2.js` before `1_x.js`): {written}")
    first = open(os.path.join(s.repo, "pgfence-plan", path)).read()
    check("pgm.noTransaction();" in first and "pgm.sql(`CREATE INDEX CONCURRENTLY" in first,
          f"a node-pg-migrate script outside its transaction, not SQL in a .js file: {first}")

    modules = node_modules(NPM_PREFIX, ["node-pg-migrate@7.9.1", "pg@8.11.0"], "node-pg-migrate/bin/node-pg-migrate.js")
    pg = Postgres()
    try:
        deploy = os.path.join(s.tmp, "deploy")
        os.makedirs(os.path.join(deploy, "migrations"))
        shutil.copy(os.path.join(s.repo, "migrations", "1700000000000_init.js"), os.path.join(deploy, "migrations"))
        for name in written:
            shutil.copy(os.path.join(s.repo, "pgfence-plan", "migrations", name), os.path.join(deploy, "migrations"))
        os.symlink(modules, os.path.join(deploy, "node_modules"))
        run_env = {**env(), "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg.port}/postgres"}
        # The original's table, with rows and the index the plan drops, then the plan's migrations.
        first_run = subprocess.run(["node", os.path.join(modules, "node-pg-migrate", "bin", "node-pg-migrate.js"), "up", "1",
                                    "-m", "migrations"], cwd=deploy, env=run_env, capture_output=True, text=True, timeout=300)
        check(first_run.returncode == 0, f"node-pg-migrate up 1: {first_run.stdout[-1500:]}{first_run.stderr[-1500:]}")
        pg.sql("INSERT INTO events SELECT g, g, 'x' || g FROM generate_series(1, 5000) g")
        rest = subprocess.run(["node", os.path.join(modules, "node-pg-migrate", "bin", "node-pg-migrate.js"), "up", "-m", "migrations"],
                              cwd=deploy, env=run_env, capture_output=True, text=True, timeout=300)
        check(rest.returncode == 0, f"node-pg-migrate runs the plan: {rest.stdout[-2000:]}{rest.stderr[-1500:]}")
        order = [line.split()[-1] for line in rest.stdout.splitlines() if line.startswith("> - ")]
        check(order == ["1700000000001_indexes", "1700000000002_indexes_2"], f"in the plan's order: {order}")
        indexes = pg.sql("SELECT indexrelid::regclass || ' ' || indisvalid FROM pg_index WHERE indrelid = 'events'::regclass ORDER BY 1")
        check(indexes.split() == ["events_block_height_index", "true", "events_pkey", "true"], f"the plan built the index, valid: {indexes}")
        check(pg.sql("SELECT count(note) || '/' || count(*) FROM events").strip() == "0/5000", "the column is added, the rows kept")
    finally:
        pg.stop()


SCENARIOS = {"index_builders": index_builders, "no_transaction": no_transaction, "plan_deploys": plan_deploys}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
