"""Issue #53 / #54 §1 "the project's own words decide the tool" (red team G1): another tool's
markers in a file of a folder the project says its own tool runs are comments to that tool, and a
set of migrations is read in the order its tool runs it. Real git repositories, the real binary
(`pr` with local flags, `analyze`).

    test_project_tool.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

TABLES = "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\nCREATE TABLE orders (id bigserial PRIMARY KEY, total numeric);\n"
GOOSE = "-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP TABLE users;\n"
DBMATE = "-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP TABLE users;\n"
NODE_PG_MIGRATE = '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"^9","pg":"^8"}}\n'


def env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}


def repository(s, base_files, head_files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")


def pr(s):
    """`pgfence pr` on the local repository (base main, head feature); its JSON report by path."""
    out = os.path.join(s.tmp, "report.json")
    proc = subprocess.run([s.args.binary, "pr", "--no-config", "--repo", s.repo, "--base", "main", "--head", "feature",
                           "--format", f"json={out}"], cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"pr: exit {proc.returncode}: {proc.stderr}")
    with open(out) as f:
        return proc, {f["path"]: f for f in json.load(f)["files"]}


def analyze(s):
    """`pgfence analyze --ci --max-risk low .` in the repository; its JSON report by path."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--ci", "--max-risk", "low", "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    return proc, {os.path.normpath(f["path"]): f for f in json.loads(proc.stdout)["files"]}


def rules(files, path):
    return sorted((x["rule"], x["start"]["line"]) for x in files[path]["findings"])


def drop_reviewed(s, path):
    """The DROP TABLE after the other tool's down marker runs: both commands review it and fail."""
    proc, files = pr(s)
    check(("drop-table", 4) in rules(files, path), f"pr: the DROP TABLE the project's tool runs is reviewed: {rules(files, path)}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}")
    proc, files = analyze(s)
    check(("drop-table", 4) in rules(files, path), f"analyze: the DROP TABLE is reviewed: {rules(files, path)}")
    check(proc.returncode == 1, f"analyze --ci fails: exit {proc.returncode}")


def supabase_goose(s):
    """SUPAGOOSE: the supabase CLI runs each file of supabase/migrations whole (supabase/config.toml
    says the folder is its): goose's markers are comments to it."""
    repository(s, {"supabase/config.toml": "[db]\nmajor_version = 15\n", "supabase/migrations/20240101000000_init.sql": TABLES},
               {"supabase/migrations/20240102000000_cleanup.sql": GOOSE})
    drop_reviewed(s, "supabase/migrations/20240102000000_cleanup.sql")


def node_pg_migrate_goose(s):
    """NPMSQLGOOSE: node-pg-migrate (package.json) knows only `-- Up Migration`/`-- Down Migration`
    (getActions): a file without them is all up migration, goose's markers included."""
    base = {"package.json": NODE_PG_MIGRATE,
            "migrations/1700000000000_init.sql": "-- Up Migration\n" + TABLES + "-- Down Migration\nDROP TABLE orders;\n"}
    repository(s, base, {"migrations/1700000000001_change.sql": GOOSE})
    drop_reviewed(s, "migrations/1700000000001_change.sql")


def node_pg_migrate_dbmate(s):
    """NPMSQLDBMATE: dbmate's markers in a node-pg-migrate folder are comments too."""
    base = {"package.json": NODE_PG_MIGRATE,
            "migrations/1700000000000_init.sql": "-- Up Migration\n" + TABLES + "-- Down Migration\nDROP TABLE orders;\n"}
    repository(s, base, {"migrations/1700000000001_change.sql": DBMATE})
    drop_reviewed(s, "migrations/1700000000001_change.sql")


RETIRED_USERS = "-- Users now live in the accounts service.\n-- Nothing reads this table any more.\n\nDROP TABLE users;\n"


def node_pg_migrate_down_name(s):
    """R78a B1: node-pg-migrate runs every file of its folder, an unmarked .sql file whole as its up
    part: 1700000000001_cleanup.down.sql runs on the way up (node-pg-migrate 7.9.1 printed
    "MIGRATION 1700000000001_cleanup.down (UP)"), so it is not skipped as golang-migrate's down."""
    base = {"package.json": NODE_PG_MIGRATE,
            "migrations/1700000000000_init.sql": "-- Up Migration\n" + TABLES + "-- Down Migration\nDROP TABLE orders;\n"}
    repository(s, base, {"migrations/1700000000001_cleanup.down.sql": RETIRED_USERS})
    drop_reviewed(s, "migrations/1700000000001_cleanup.down.sql")


def supabase_down_name(s):
    """R78a B1: the supabase CLI runs any <digits>_<name>.sql of supabase/migrations whole
    (pkg/migration/list.go), a .down.sql name included."""
    repository(s, {"supabase/config.toml": "[db]\nmajor_version = 15\n", "supabase/migrations/20240101000000_init.sql": TABLES},
               {"supabase/migrations/20240102000000_cleanup.down.sql": RETIRED_USERS})
    drop_reviewed(s, "supabase/migrations/20240102000000_cleanup.down.sql")


NPM_INIT = "-- Up Migration\n" + TABLES + "-- Down Migration\nDROP TABLE orders;\n"


def node_pg_migrate_down_workflow(s):
    """R78b B5: the workflow runs `npx node-pg-migrate@7 up` and no package.json names the tool: the
    lone 1700000000001_cleanup.down.sql has no up half beside it, so it is no golang-migrate down
    half, and node-pg-migrate ran it on the way up (7.9.1: "MIGRATION 1700000000001_cleanup.down
    (UP)", the users table dropped)."""
    base = {".github/workflows/deploy.yml": "on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - uses: actions/checkout@v4\n      - run: npx node-pg-migrate@7 up\n",
            "migrations/1700000000000_init.sql": NPM_INIT}
    repository(s, base, {"migrations/1700000000001_cleanup.down.sql": RETIRED_USERS})
    drop_reviewed(s, "migrations/1700000000001_cleanup.down.sql")


def node_pg_migrate_down_procfile(s):
    """R78b B5: Heroku's release phase runs node-pg-migrate (Procfile), nothing else names it."""
    base = {"Procfile": "web: node server.js\nrelease: npx node-pg-migrate up\n", "migrations/1700000000000_init.sql": NPM_INIT}
    repository(s, base, {"migrations/1700000000001_cleanup.down.sql": RETIRED_USERS})
    drop_reviewed(s, "migrations/1700000000001_cleanup.down.sql")


def node_pg_migrate_down_node_config(s):
    """R78b B5: node-config's `db.migrations-dir` puts node-pg-migrate's folder at db/pg, which
    folder_tool's package.json default (migrations/) does not reach."""
    base = {"package.json": '{"name":"app","scripts":{"migrate":"node-pg-migrate up"},'
                            '"dependencies":{"node-pg-migrate":"7.9.1","pg":"8.11.0","config":"3"}}\n',
            "config/default.json": '{"db": {"migrations-dir": "db/pg"}}\n', "db/pg/1700000000000_init.sql": NPM_INIT}
    repository(s, base, {"db/pg/1700000000001_cleanup.down.sql": RETIRED_USERS})
    drop_reviewed(s, "db/pg/1700000000001_cleanup.down.sql")


def golang_migrate_down_pair_pr(s):
    """The control in `pr`: a golang-migrate pair added together, its down half skipped."""
    repository(s, {"migrations/1_init.up.sql": TABLES, "migrations/1_init.down.sql": "DROP TABLE orders;\nDROP TABLE users;\n"},
               {"migrations/2_cleanup.up.sql": "SELECT 1;\n", "migrations/2_cleanup.down.sql": RETIRED_USERS})
    proc, files = pr(s)
    check(files["migrations/2_cleanup.down.sql"].get("skipped"), f"pr: the down half is skipped: {files['migrations/2_cleanup.down.sql']}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}: {proc.stdout[-400:]}")


def golang_migrate_down_name(s):
    """The control: where no file names the folder's tool, 2_x.down.sql is golang-migrate's down half,
    and its DROP TABLE is not reviewed as an up migration."""
    repository(s, {"migrations/1_init.up.sql": TABLES, "migrations/1_init.down.sql": "DROP TABLE orders;\nDROP TABLE users;\n"},
               {"migrations/2_cleanup.up.sql": "SELECT 1;\n", "migrations/2_cleanup.down.sql": RETIRED_USERS})
    proc, files = analyze(s)
    check(files["migrations/2_cleanup.down.sql"].get("skipped"), f"the down half is skipped: {files['migrations/2_cleanup.down.sql']}")
    check(proc.returncode == 0, f"analyze --ci passes: exit {proc.returncode}: {proc.stdout[-400:]}")


def goose_own_markers(s):
    """The project's tool's own markers still mark: in a folder .env names as goose's, the down part is
    not reviewed as up (and dbmate's markers would be comments)."""
    repository(s, {".env": "GOOSE_MIGRATION_DIR=db/schema\n", "db/schema/20240101000000_init.sql": "-- +goose Up\n" + TABLES},
               {"db/schema/20240102000000_cleanup.sql": GOOSE})
    proc, files = pr(s)
    path = "db/schema/20240102000000_cleanup.sql"
    check(not any(r == "drop-table" for r, _ in rules(files, path)), f"goose's down part is not up: {rules(files, path)}")


CLEANUP = "CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric);\nTRUNCATE orders;\nDROP TABLE IF EXISTS orders;\n"


def truncate_reviewed(s, path):
    proc, files = analyze(s)
    found = rules(files, path)
    check(any(r in ("truncate", "drop-table") for r, _ in found), f"analyze: the TRUNCATE/DROP of the existing orders is reviewed: {found}")
    check(proc.returncode == 1, f"analyze --ci fails: exit {proc.returncode}")


def knex_order(s):
    """KNEXORDER: knex runs its files in name order (fs-migrations.js sortBy 'file'): 3_cleanup.js runs
    after 20240101000000_init.js, on the orders table init made."""
    init = ('exports.up = function (knex) {\n  return knex.raw("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL); '
            'CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric)");\n};\nexports.down = function () {};\n')
    cleanup = ("exports.up = async (knex) => {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n"
               "  await knex.raw('CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric)');\n"
               "  await knex.raw('TRUNCATE orders');\n  await knex.raw('DROP TABLE IF EXISTS orders');\n};\nexports.down = async () => {};\n")
    repository(s, {"knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n",
                   "migrations/20240101000000_init.js": init}, {"migrations/3_cleanup.js": cleanup})
    truncate_reviewed(s, "migrations/3_cleanup.js")


def knex_order_pr(s):
    """`pr` chains a pull request's own files in knex's order too: 20240101000000_rename.js (which
    renames the existing orders_old to orders) runs before 3_cleanup.js, whose TRUNCATE then empties
    that existing table, not a new one of its own."""
    init = ('exports.up = function (knex) {\n  return knex.raw("CREATE TABLE orders_old (id bigserial PRIMARY KEY, total numeric)");\n};\n'
            'exports.down = function () {};\n')
    rename = ("exports.up = async (knex) => {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n"
              "  await knex.raw('ALTER TABLE orders_old RENAME TO orders');\n};\nexports.down = async () => {};\n")
    cleanup = ("exports.up = async (knex) => {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n"
               "  await knex.raw('CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric)');\n"
               "  await knex.raw('TRUNCATE orders');\n};\nexports.down = async () => {};\n")
    repository(s, {"knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n",
                   "migrations/20230101000000_init.js": init},
               {"migrations/20240101000000_rename.js": rename, "migrations/3_cleanup.js": cleanup})
    proc, files = pr(s)
    found = rules(files, "migrations/3_cleanup.js")
    check(any(r == "truncate" for r, _ in found), f"pr: the TRUNCATE of the renamed, existing orders is reviewed: {found}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}")


def dbmate_order(s):
    """DBMATEORDER: dbmate sorts by file name (pkg/dbmate/db.go FindMigrations): 3_cleanup.sql runs after
    20240101000000_init.sql."""
    repository(s, {"db/migrations/20240101000000_init.sql": "-- migrate:up\n" + TABLES + "-- migrate:down\n"},
               {"db/migrations/3_cleanup.sql": "-- migrate:up\n" + CLEANUP + "-- migrate:down\n"})
    truncate_reviewed(s, "db/migrations/3_cleanup.sql")


def node_pg_migrate_order(s):
    """node-pg-migrate compares the numeric prefix (src/migration.ts compareFileNamesByTimestamp): in its
    folder 3_init.js runs before 20240101000000_cleanup.js, whose TRUNCATE acts on the orders init made
    (guard: the name order of knex and dbmate is not applied to every script folder)."""
    init = ("exports.up = (pgm) => {\n  pgm.sql('CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric)');\n};\n")
    cleanup = ("exports.up = (pgm) => {\n  pgm.sql(\"SET lock_timeout = '2s'\");\n"
               "  pgm.sql('CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric)');\n"
               "  pgm.sql('TRUNCATE orders');\n};\n")
    repository(s, {"package.json": NODE_PG_MIGRATE, "migrations/3_init.js": init},
               {"migrations/20240101000000_cleanup.js": cleanup})
    truncate_reviewed(s, "migrations/20240101000000_cleanup.js")


SCENARIOS = {f.__name__: f for f in (supabase_goose, node_pg_migrate_goose, node_pg_migrate_dbmate, goose_own_markers,
                                     node_pg_migrate_down_name, supabase_down_name, golang_migrate_down_name,
                                     node_pg_migrate_down_workflow, node_pg_migrate_down_procfile,
                                     node_pg_migrate_down_node_config, golang_migrate_down_pair_pr,
                                     knex_order, knex_order_pr, dbmate_order, node_pg_migrate_order)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
