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


def npgm_modules():
    """node-pg-migrate 7.9.1 and pg, installed once into this test's own npm prefix."""
    return node_modules(NPM_PREFIX, ["node-pg-migrate@7.9.1", "pg@8.11.0"], "node-pg-migrate/bin/node-pg-migrate.js")

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

    modules = npgm_modules()
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


# Every table operation form read, on tables the same migration makes (so it applies on an empty database).
TABLE_BUILDERS = r"""exports.up = (pgm) => {
  pgm.createTable('blocks', {
    id: { type: 'serial', notNull: true },
    hash: { type: 'bytea', notNull: true, unique: true },
    height: { type: 'int', notNull: true, default: 0 },
    note: { type: 'string', default: 'x', check: "note <> ''" },
    at: { type: 'timestamptz', default: pgm.func("(now() at time zone 'utc')") },
    parent: 'integer',
    size: { type: 'int', expressionGenerated: 'height * 2' },
  }, { ifNotExists: true, constraints: { unique: [['hash', 'height'], ['note']], check: ['height >= 0', 'id > 0'] } });
  pgm.addConstraint('blocks', null, { primaryKey: 'id' });
  pgm.createIndex('blocks', ['height', { name: 'hash', sort: 'DESC' }, { name: 'note', opclass: 'text_pattern_ops' }]);
  pgm.addColumns('blocks', { flag: { type: 'boolean', notNull: true, default: false }, weight: { type: 'int', default: 1 } });
  pgm.addColumn('blocks', { tag: { type: 'text', default: null, references: 'blocks(note)', onDelete: 'SET NULL',
                                   referencesConstraintName: 'blocks_tag_fk' } }, { ifNotExists: true });
  pgm.alterColumn('blocks', 'weight', { type: 'bigint', using: 'weight::bigint', notNull: true, default: null });
  pgm.alterColumn('blocks', 'note', { allowNull: true, default: 'y', type: 'string', collation: '"C"' });
  pgm.addConstraint('blocks', 'blocks_ck', `CHECK (height >= 0 OR (
    note IS NULL))`);
  pgm.createConstraint('blocks', null, 'UNIQUE (tag)');
  pgm.addConstraint('blocks', 'blocks_fk', { foreignKeys: { columns: 'parent', references: 'blocks(id)', onDelete: 'SET NULL' } });
  pgm.addConstraint('blocks', 'blocks_weight_u', { unique: 'weight', deferrable: true, deferred: true });
  pgm.dropConstraint('blocks', 'blocks_ck', { ifExists: true, cascade: true });
  pgm.renameTable('blocks', 'chain');
  pgm.createTable('pairs', { a: { type: 'int', primaryKey: true }, b: { type: 'int', primaryKey: true }, c: 'text' });
};
"""

STEPS_JS = """const MigrationBuilder = require(process.argv[2] + '/node-pg-migrate/dist/migrationBuilder.js').default;
const pgm = new MigrationBuilder({}, {}, false, console);
require(process.argv[3]).up(pgm);
console.log(JSON.stringify(pgm.getSqlSteps()));
"""


def table_builders_sql(s):
    """The SQL derived for each table operation is the SQL real node-pg-migrate 7 builds for it,
    and it runs: real node-pg-migrate applies the migration on PostgreSQL."""
    path = "migrations/1700000000001_tables.js"
    repository(s, {**BASE, path: TABLE_BUILDERS})
    report, found = findings(s)
    check(not [f for f in found if f[0] == path and f[1] == "unknown-statement"], f"every call of {path} is read: {found}")
    ours = [sql.rstrip(";") for sql in statements_of(report, path)]
    modules = npgm_modules()
    script = os.path.join(s.tmp, "steps.js")
    with open(script, "w") as f:
        f.write(STEPS_JS)
    proc = subprocess.run(["node", script, modules, os.path.join(s.repo, path)], capture_output=True, text=True, timeout=120)
    check(proc.returncode == 0, f"node-pg-migrate's MigrationBuilder: {proc.stderr[-1500:]}")
    steps = [step.rstrip(";") for step in json.loads(proc.stdout)]
    check(len(steps) == 14, f"one step per operation: {steps}")
    check(ours == steps, "the SQL of each operation is node-pg-migrate's:\n" +
          "\n".join(f"ours:  {a!r}\ntheirs: {b!r}" for a, b in zip(ours, steps) if a != b) + f"\n{len(ours)} vs {len(steps)}")
    pg = Postgres()
    try:
        deploy = os.path.join(s.tmp, "deploy")
        os.makedirs(os.path.join(deploy, "migrations"))
        shutil.copy(os.path.join(s.repo, path), os.path.join(deploy, "migrations"))
        os.symlink(modules, os.path.join(deploy, "node_modules"))
        run_env = {**env(), "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg.port}/postgres"}
        run = subprocess.run(["node", os.path.join(modules, "node-pg-migrate", "bin", "node-pg-migrate.js"), "up", "-m", "migrations"],
                             cwd=deploy, env=run_env, capture_output=True, text=True, timeout=300)
        check(run.returncode == 0, f"node-pg-migrate up: {run.stdout[-1500:]}{run.stderr[-1500:]}")
        names = pg.sql("SELECT conname FROM pg_constraint WHERE conrelid IN ('chain'::regclass, 'pairs'::regclass) ORDER BY 1").split()
        for name in ("blocks_pkey", "blocks_fk", "blocks_tag_fk", "blocks_uniq_hash_height", "blocks_chck_1", "blocks_weight_u", "pairs_pkey"):
            check(name in names, f"the constraint names we derived are the catalog's: {name} not in {names}")
    finally:
        pg.stop()


def table_builder_findings(s):
    """Each table operation on a table an earlier migration made gets the finding of its SQL."""
    init = ('exports.up = (pgm) => {\n  pgm.sql("CREATE TABLE events (id bigint PRIMARY KEY, block_height int, tx_id text)");\n'
            '  pgm.sql("CREATE TABLE txs (tx_id text PRIMARY KEY)");\n};\n')
    calls = {
        "alter-column-type-rewrite": "pgm.alterColumn('events', 'block_height', { type: 'bigint' });",
        "add-column-not-null-without-default": "pgm.addColumns('events', { status: { type: 'smallint', notNull: true } });",
        "add-foreign-key-without-not-valid": "pgm.addConstraint('events', 'events_tx_fk', { foreignKeys: { columns: 'tx_id', "
                                             "references: 'txs(tx_id)' } });",
        "add-check-without-not-valid": "pgm.createConstraint('events', 'events_ck', 'CHECK (block_height > 0)');",
        "set-not-null-scan": "pgm.alterColumn('events', 'tx_id', { notNull: true });",
        "add-unique-without-index": "pgm.addConstraint('events', 'events_u', { unique: ['tx_id'] });",
    }
    files = {**BASE, "migrations/1700000000000_init.js": init}
    for i, call in enumerate(calls.values()):
        files[f"migrations/17000000000{i + 10}_change.js"] = f"exports.up = (pgm) => {{\n  {call}\n}};\n"
    new_table = "migrations/1700000000020_new_table.js"
    files[new_table] = ("exports.up = (pgm) => {\n  pgm.createTable('blocks', { id: 'bigserial', tx_id: { type: 'text', "
                        "notNull: true, references: 'txs' },\n    at: { type: 'timestamptz', default: pgm.func('now()') } });\n};\n")
    repository(s, files)
    report, found = findings(s)
    for i, rule in enumerate(calls):
        path = f"migrations/17000000000{i + 10}_change.js"
        check((path, rule, 2, "HIGH") in found, f"{calls[rule]} is HIGH {rule} at its line: {[f for f in found if f[0] == path]}")
        check(not [f for f in found if f[0] == path and f[1] == "unknown-statement"], f"{path} is read: {found}")
    check(not [f for f in found if f[0] == new_table and (f[3] in ("HIGH", "CRITICAL") or f[1] == "unknown-statement")],
          f"a new table with a pgm.func() default is read, not HIGH: {[f for f in found if f[0] == new_table]}")
    check(any(sql.startswith('CREATE TABLE "blocks"') for sql in statements_of(report, new_table)), "createTable is read")


def table_builders_unknown(s):
    """What is not a literal stays unknown at its line, saying what was not followed."""
    path = "migrations/1700000000001_unread.js"
    lines = [
        ("const columns = require('./columns');", None),
        ("const base = { id: { type: 'serial' } };", None),
        # A folder whose migrations define no shorthands writes `state_enum` as given (review88 F,
        # npgm_shorthands.cpp): this one defines it, so the column below may be a shorthand.
        ("exports.shorthands = { state_enum: { type: 'text', notNull: true } };", None),
        ("exports.up = (pgm) => {", None),
        ("  pgm.createTable('a', columns);", "the columns"),
        ("  pgm.createTable('b', { ...base, name: 'text' });", "spread"),
        ("  pgm.createTable('c', { id: 'id' });", "type shorthand"),
        ("  pgm.addColumns('events', { note: { type: 'text', comment: 'why' } });", "`comment`"),
        ("  pgm.addColumns('events', { status: { type: 'state_enum' } });", "type shorthand"),
        ("  pgm.alterColumn('events', 'tx_id', { default: Date.now() });", "the default"),
        ("  pgm.createTable('d', { id: 'int' }, { like: 'events' });", "`like`"),
        ("  pgm.addConstraint('events', 'events_ck', process.env.CHECK);", "the constraint"),
        ("  pgm.dropConstraint('events', NAME);", "the constraint"),
        ("  pgm.addColumns('events', { note: 'int', note: 'text' });", "twice"),
        ("};", None),
    ]
    repository(s, {**BASE, path: "\n".join(text for text, _ in lines) + "\n",
                   "migrations/columns.js": "module.exports = { id: 'int' };\n"})
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", path], cwd=s.repo, env=env(),
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    report = json.loads(proc.stdout)
    unknown = {x["start"]["line"]: x["message"] for f in report["files"] for x in f["findings"] if x["rule"] == "unknown-statement"}
    for number, (text, why) in enumerate(lines, start=1):
        if why is None:
            continue
        check(number in unknown, f"line {number} `{text.strip()}` is unknown: {unknown}")
        check(why in unknown[number] and "node-pg-migrate sends is not known" in unknown[number],
              f"line {number} says what was not followed ({why}): {unknown[number]}")


SCENARIOS = {"index_builders": index_builders, "no_transaction": no_transaction, "plan_deploys": plan_deploys,
             "table_builders_sql": table_builders_sql, "table_builder_findings": table_builder_findings,
             "table_builders_unknown": table_builders_unknown}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
