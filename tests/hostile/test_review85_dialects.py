"""Stranger review 85 on requarks/wiki (Knex): dialect branches read as PostgreSQL's and a sibling
sqlite folder read as PostgreSQL's (issue #53: no false unknowns or false HIGH on ordinary
projects, while what may run on PostgreSQL is still read).

- A branch that runs only when a dialect value names another database (`switch
  (WIKI.config.db.type) { case 'mssql': ... }`, `if (dbCompat.charset)` with dbCompat's key
  `type === 'mysql' || type === 'mariadb'`, the else of `if (client === 'pg')`) is not read:
  no unparsable HIGH, no exit 2, no unknown. The PostgreSQL branch is read (its DROP TABLE found).
- Controls: a dialect value the script sets itself, a case that falls through from PostgreSQL's,
  a flag the file declares twice with different values: their branches are still read.
- `db/migrations-sqlite` beside `db/migrations` (wiki's migrator-source.js picks it only for
  sqlite) is another database's set, skipped with a reason; without the sibling it is read.
- A plan for a knex project whose own migration source sorts the names with semver.compare
  (wiki) names its new files as versions that sort right after the original, checked with the real
  semver package; a source whose order pgfence does not read gets no plan, with the reason.

    test_review85_dialects.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from real_tools import node_modules  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

PACKAGE = {"package.json": '{"name": "wiki", "dependencies": {"knex": "0.21.7", "pg": "8.11.0"}}\n'}
KNEXFILE = {"knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n',
            **PACKAGE}
M = "migrations/20240101000000_dialects.js"


def run(s):
    """analyze as a user runs it, then the JSON report: (exit code, stderr, findings, files)."""
    plain = subprocess.run([s.args.binary, "analyze", "--no-config", "."], cwd=s.repo, capture_output=True, text=True, timeout=120)
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    files = json.loads(proc.stdout)["files"]
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "risk": f["risk"], "message": f["message"]}
             for file in files for f in file["findings"]]
    return plain.returncode, plain.stderr, found, files


def at(found, rule, path, line):
    return any(f["rule"] == rule and f["path"] == path and f["line"] == line for f in found)


def read_as_other(s, head, path, drop_line, skipped_lines, base=KNEXFILE):
    """No unknown, nothing unparsable, no exit 2, the PostgreSQL branch's DROP TABLE found, and a
    note saying what was assumed, naming the lines (each branch's first) left unread."""
    pull_request(s, head, base)
    code, err, found, files = run(s)
    check(code != 2, f"analyze does not exit 2 (nothing unparsable): {code}\n{err}")
    # A branch left unread that may run SQL on PostgreSQL (anything but knex's MySQL-only charset,
    # engine, collate) is one unknown at its first line, since the dialect value is assumed (red team
    # R86b F2); never one a line, never unparsable.
    bad = [f for f in found if f["rule"] == "unparsable-statement" or
           (f["rule"] == "unknown-statement" and (f["path"] != path or str(f["line"]) not in skipped_lines))]
    check(not bad, f"nothing unparsable, unknown only at an unread branch's first line: {bad}")
    check(at(found, "drop-table", path, drop_line), f"the PostgreSQL branch is read: drop-table at {path}:{drop_line}: {found}")
    notes = [n for file in files if os.path.normpath(file["path"]) == path for st in file.get("statements", []) for n in st.get("notes", [])]
    text = json.dumps(files)
    check("is assumed to name PostgreSQL" in text and all(f"{n} (" in text for n in skipped_lines),
          f"a note says what was assumed and names lines {skipped_lines}: {notes}")


SWITCH = """/* global WIKI */
const _ = require('lodash')

exports.up = async knex => {
  let sql = ''
  switch (WIKI.config.db.type) {
    case 'postgres':
      await knex.raw('DROP TABLE "legacyPages"')
      sql = 'SELECT 1'
      break
    case 'mssql':
      await knex.raw('ALTER TABLE pageHistory ALTER COLUMN content VARCHAR(max)')
      break
    case 'mysql':
    case 'mariadb':
      const cols = await knex.schema.raw('SHOW COLUMNS FROM pageHistory')
      await knex.schema.raw(`UPDATE pageHistory AS h1 INNER JOIN pageHistory AS h2 ON h2.id = h1.id SET h1.x = h2.y`)
      break
  }
}

exports.down = knex => { }
"""


def dialect_switch(s):
    """wiki 2.1.85.js / 2.2.17.js: the mssql and mysql cases were HIGH unparsable (exit 2)."""
    read_as_other(s, {M: SWITCH}, M, 8, ["12", "16"])


FLAGS = """/* global WIKI */

exports.up = knex => {
  const dbCompat = {
    blobLength: (WIKI.config.db.type === `mysql` || WIKI.config.db.type === `mariadb`),
    charset: (WIKI.config.db.type === `mysql` || WIKI.config.db.type === `mariadb`),
    selfCascadeDelete: WIKI.config.db.type !== 'mssql'
  }
  return knex.schema
    .dropTable('legacyPages')
    .createTable('assetData', table => {
      if (dbCompat.charset) { table.charset('utf8mb4') }
      table.integer('id').primary()
      if (dbCompat.blobLength) {
        table.specificType('data', 'LONGBLOB').notNullable()
      } else {
        table.binary('data').notNullable()
      }
    })
}

exports.down = knex => {
  const dbCompat = {
    blobLength: (WIKI.config.db.type === `mysql` || WIKI.config.db.type === `mariadb`),
    charset: (WIKI.config.db.type === `mysql` || WIKI.config.db.type === `mariadb`)
  }
  return knex.schema.dropTable('assetData')
}
"""


def dialect_flags(s):
    """wiki 2.0.0.js: `if (dbCompat.charset) { table.charset('utf8mb4') }` was one unknown per
    table (knex throws for charset() on PostgreSQL: lib/schema/tablebuilder.js specialMethods);
    dbCompat is declared in up() and in down() alike."""
    read_as_other(s, {M: FLAGS}, M, 9, ["12", "14"])
    sql = [st.get("sql", "") for file in run(s)[3] for st in file.get("statements", [])]
    check(any('"data" bytea not null' in q for q in sql) and not any("LONGBLOB" in q and "specificType" not in q for q in sql),
          f"the else branch (binary) is read, the LONGBLOB one not: {sql}")


IF_ELSE = """exports.up = async knex => {
  if (knex.client.config.client === 'pg' || knex.client.config.client === 'postgresql') {
    await knex.raw('DROP TABLE legacy')
  } else {
    await knex.raw('ALTER TABLE t MODIFY body LONGTEXT')
  }
  if (knex.client.config.client === 'mysql') await knex.raw('ALTER TABLE t ENGINE = InnoDB, ALGORITHM=INPLACE')
}
exports.down = async () => {}
"""


def dialect_if_else(s):
    """`if (client === 'pg') {...} else {mysql}` and a one-line if on mysql: PostgreSQL's read, the others not.
    (=== 'pg' alone may be false where the client is named 'postgresql', so only the mysql-only parts are left.)"""
    head = {M: IF_ELSE.replace("knex.client.config.client === 'pg' || knex.client.config.client === 'postgresql'",
                               "knex.client.config.client !== 'mysql'")}
    read_as_other(s, head, M, 3, ["4", "7"])


def controls(s, text, path, line, rule="drop-table"):
    pull_request(s, {path: text}, KNEXFILE)
    _, err, found, _ = run(s)
    check(at(found, rule, path, line), f"still read: {rule} at {path}:{line}: {found}\n{err}")


def dialect_local_value_control(s):
    """A dialect value the script sets itself (a local object, an assigned global) is not assumed: read."""
    controls(s, "exports.up = async knex => {\n  const db = { type: 'mysql' }\n  switch (db.type) {\n    case 'mysql':\n"
                "      await knex.raw('DROP TABLE users')\n  }\n}\nexports.down = async () => {}\n", M, 5)


def dialect_assigned_control(s):
    controls(s, "exports.up = async knex => {\n  WIKI.config.db.type = 'mysql'\n  if (WIKI.config.db.type === 'mysql') {\n"
                "    await knex.raw('DROP TABLE users')\n  }\n}\nexports.down = async () => {}\n", M, 4)


def dialect_fallthrough_control(s):
    """A case after PostgreSQL's with no break between runs on PostgreSQL too."""
    controls(s, "exports.up = async knex => {\n  switch (WIKI.config.db.type) {\n    case 'postgres':\n      await knex.raw('SELECT 1')\n"
                "    case 'mysql':\n      await knex.raw('DROP TABLE users')\n      break\n    case 'mssql':\n      await knex.raw('SELECT 2')\n"
                "  }\n}\nexports.down = async () => {}\n", M, 6)


def dialect_default_control(s):
    """`default:` may be PostgreSQL's; so is a case whose value is no database's name."""
    controls(s, "exports.up = async knex => {\n  switch (WIKI.config.db.type) {\n    case 'mysql':\n      break\n    default:\n"
                "      await knex.raw('DROP TABLE users')\n  }\n  switch (WIKI.config.db.type) {\n    case 'pg-legacy':\n"
                "      await knex.raw('DROP TABLE accounts')\n  }\n}\nexports.down = async () => {}\n", M, 6)
    _, _, found, _ = run(s)
    check(at(found, "drop-table", M, 10), f"a case named for no database is read: {found}")


def dialect_flag_differs_control(s):
    """A flag declared twice with different values (true on PostgreSQL in one): read."""
    controls(s, "exports.up = async knex => {\n  const compat = { mysqlOnly: WIKI.config.db.type === 'mysql' }\n"
                "  if (compat.mysqlOnly) { await knex.raw('DROP TABLE users') }\n}\n"
                "exports.down = async knex => {\n  const compat = { mysqlOnly: WIKI.config.db.type !== 'mysql' }\n}\n", M, 3)


def dialect_environment_control(s):
    """An environment variable the deploy sets (a workflow of the repository may) says nothing of the
    database: `case 'mysql'` on process.env is read as PostgreSQL's."""
    controls(s, "exports.up = async knex => {\n  switch (process.env.DB_FLAVOUR) {\n    case 'mysql':\n"
                "      await knex.raw('DROP TABLE users')\n  }\n}\nexports.down = async () => {}\n", M, 4)


def dialect_destroys_control(s):
    """The dialect value is assumed, not known: a branch left unread for another database's that
    may run SQL (a project value of the author's naming could hide a drop behind it) is unknown at
    its first line, so a person confirms it; never parsed as PostgreSQL's."""
    pull_request(s, {M: "exports.up = async knex => {\n  switch (WIKI.config.db.flavour) {\n    case 'mysql':\n"
                        "      await knex.raw('DROP TABLE users')\n      break\n    case 'mssql':\n"
                        "      await knex.raw('ALTER TABLE x ALTER COLUMN y VARCHAR(max)')\n  }\n"
                        "  if (WIKI.config.db.flavour === 'mssql') {\n    await knex.schema.dropTable('accounts')\n  }\n}\n"
                        "exports.down = async () => {}\n"}, KNEXFILE)
    code, err, found, _ = run(s)
    for line in (4, 7, 9):
        check(at(found, "unknown-statement", M, line), f"unknown at {M}:{line}: {found}\n{err}")
    check(not any(f["rule"] == "unparsable-statement" for f in found), f"the mssql ALTER is not parsed as PostgreSQL's: {found}")


WIKI_PG = ("exports.up = knex => {\n  return knex.schema\n    .dropTable('legacyPages')\n}\nexports.down = knex => { }\n")
WIKI_SQLITE = ("exports.up = knex => {\n  return knex.schema\n    .renameTable('pageHistory', 'pageHistory_old')\n"
               "    .dropTable('pageHistory_old')\n}\nexports.down = knex => { }\n")
SOURCE = ("const path = require('path')\n"
          "const baseMigrationPath = path.join(WIKI.SERVERPATH, (WIKI.config.db.type !== 'sqlite') ? 'db/migrations' : 'db/migrations-sqlite')\n")


def sqlite_sibling_folder(s):
    """wiki server/db/migrations-sqlite (picked by migrator-source.js only for sqlite): skipped with
    its reason; server/db/migrations still read."""
    pull_request(s, {"server/db/migrations/2.0.0.js": WIKI_PG, "server/db/migrations-sqlite/2.0.0.js": WIKI_SQLITE,
                     "server/db/migrator-source.js": SOURCE}, PACKAGE)
    _, err, found, files = run(s)
    sqlite = [f for f in found if "migrations-sqlite" in f["path"]]
    check(not sqlite, f"nothing reported in the sqlite set: {sqlite}")
    skipped = [f for f in files if f.get("skipped") and "migrations-sqlite" in f["path"]]
    check(skipped and "sqlite" in skipped[0]["skip_reason"] and "server/db/migrations" in skipped[0]["skip_reason"],
          f"one skipped entry naming the sqlite set and its sibling: {[(f['path'], f.get('skip_reason')) for f in files]}")
    check(at(found, "drop-table", "server/db/migrations/2.0.0.js", 2), f"the PostgreSQL set is read: {found}")


def sqlite_suffix_alone_control(s):
    """A folder named *-sqlite with no sibling of the base name says nothing: read as PostgreSQL."""
    pull_request(s, {"server/db/migrations-sqlite/2.0.0.js": WIKI_SQLITE.replace("renameTable('pageHistory', 'pageHistory_old')\n    .", "")}, PACKAGE)
    _, err, found, _ = run(s)
    check(at(found, "drop-table", "server/db/migrations-sqlite/2.0.0.js", 2), f"read: {found}\n{err}")


SEMVER_SOURCE = """const path = require('path')
const fs = require('fs')
const semver = require('semver')

const baseMigrationPath = path.join(WIKI.SERVERPATH, (WIKI.config.db.type !== 'sqlite') ? 'db/migrations' : 'db/migrations-sqlite')

module.exports = {
  async getMigrations() {
    const migrationFiles = fs.readdirSync(baseMigrationPath)
    return migrationFiles.map(m => m.replace('.js', '')).sort(semver.compare).map(m => ({ file: m, directory: baseMigrationPath }))
  },
  getMigrationName(migration) { return `${migration.file}.js` },
  getMigration(migration) { return require(path.join(baseMigrationPath, migration.file)) }
}
"""
PLANNED = ("exports.up = async knex => {\n  await knex.raw('CREATE INDEX pages_path ON pages (path)')\n"
           "  await knex.raw('ALTER TABLE pages ADD COLUMN note text')\n}\nexports.down = knex => { }\n")
INIT = "exports.up = knex => knex.raw('CREATE TABLE IF NOT EXISTS pages (id bigint PRIMARY KEY, path text)')\nexports.down = knex => { }\n"
LATER = "exports.up = knex => knex.raw('SELECT 1')\nexports.down = knex => { }\n"


def plan_of(s, path):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "plan", path], cwd=s.repo, capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"plan: exit {proc.returncode}: {proc.stderr}")
    folder = os.path.join(s.repo, "pgfence-plan", os.path.dirname(path))
    return proc, sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def plan_semver_source(s):
    """wiki's plan wrote 2.0.0-beta.11_2.js, on which semver.compare throws: the new names are
    versions the project's source (run here with the real semver) sorts right after the original."""
    path = "server/db/migrations/2.1.0.js"
    pull_request(s, {path: PLANNED}, {**PACKAGE, "server/db/migrator-source.js": SEMVER_SOURCE, "server/db/migrations/2.0.0.js": INIT,
                                      "server/db/migrations/2.1.1.js": LATER, "server/db/migrations/2.2.0.js": LATER})
    _, written = plan_of(s, path)
    check(len(written) >= 2 and "2.1.0.js" in written, f"a plan of two migrations or more: {written}")
    modules = node_modules(os.path.join(s.tmp, "..", "review85-npm"), ["semver@7.7.3"], "semver/package.json")
    deploy = os.path.join(s.tmp, "deploy")
    os.makedirs(os.path.join(deploy, "server", "db", "migrations"))
    for name in ("2.0.0.js", "2.1.1.js", "2.2.0.js"):
        open(os.path.join(deploy, "server", "db", "migrations", name), "w").write(LATER)
    for name in written:
        open(os.path.join(deploy, "server", "db", "migrations", name), "w").write(open(os.path.join(s.repo, "pgfence-plan", "server", "db", "migrations", name)).read())
    open(os.path.join(deploy, "server", "db", "migrator-source.js"), "w").write(SEMVER_SOURCE)
    os.symlink(modules, os.path.join(deploy, "node_modules"))
    script = ("global.WIKI = { SERVERPATH: process.argv[1], config: { db: { type: 'postgres' } } }\n"
              "require(process.argv[1] + '/db/migrator-source.js').getMigrations()"
              ".then(m => console.log(JSON.stringify(m.map(x => x.file))), e => { console.log('THROWS ' + e.message); process.exit(3) })\n")
    run = subprocess.run(["node", "-e", script, os.path.join(deploy, "server")], cwd=deploy, capture_output=True, text=True, timeout=60)
    check(run.returncode == 0, f"the project's source reads the folder: {run.stdout} {run.stderr}")
    order = json.loads(run.stdout)
    new = [n[:-3] for n in written if n != "2.1.0.js"]
    check(order == ["2.0.0", "2.1.0", *new, "2.1.1", "2.2.0"], f"the plan's migrations run right after the original: {order}")


def plan_unread_source_declined(s):
    """A source of the project's own whose order pgfence does not read: no plan, saying why."""
    path = "server/db/migrations/2.1.0.js"
    source = SEMVER_SOURCE.replace("const semver = require('semver')\n", "").replace(".sort(semver.compare)", ".sort(byRelease)")
    pull_request(s, {path: PLANNED}, {**PACKAGE, "server/db/migrator-source.js": source, "server/db/migrations/2.0.0.js": INIT})
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", path], cwd=s.repo, capture_output=True, text=True, timeout=120)
    plans = [f.get("plan") for f in json.loads(proc.stdout)["files"]]
    check(plans and plans[0] and plans[0].get("declined") and "migrator-source.js" in plans[0]["declined"],
          f"declined, naming the source: {plans}")


def plan_default_source_control(s):
    """knex's own source (a knexfile, no getMigrations): the names sort as strings, `_2` as before."""
    path = "migrations/20240101000001_pages.js"
    pull_request(s, {path: PLANNED}, {**KNEXFILE, "migrations/20240101000000_init.js": INIT})
    _, written = plan_of(s, path)
    check(written == ["20240101000001_pages.js", "20240101000001_pages_2.js"], f"knex's default order: {written}")


SCENARIOS = {f.__name__: f for f in (
    dialect_switch, dialect_flags, dialect_if_else, dialect_local_value_control, dialect_assigned_control, dialect_fallthrough_control,
    dialect_default_control, dialect_flag_differs_control, dialect_environment_control, dialect_destroys_control,
    sqlite_sibling_folder, sqlite_suffix_alone_control,
    plan_semver_source, plan_unread_source_declined, plan_default_source_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
