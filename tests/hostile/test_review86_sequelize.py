"""Stranger review 86 on hackmdio/codimd (Sequelize, sequelize-cli): a SQLite-only branch read as
PostgreSQL's, a helper's ordinary imports making the migration unknown, results that changed
without .git, and a plan whose down() was empty (issue #53: no false HIGH or false unknown on
ordinary projects, while what may run on PostgreSQL is still read).

- `if (isSQLite(queryInterface.sequelize)) { addIndex(...) }`, isSQLite from lib/utils.js whose
  body is `sequelize.options.dialect === 'sqlite'`: no create-index HIGH there; the branch stays one
  unknown at its line (it may run on PostgreSQL if the value were not what it says). The else of
  such an if, and a branch on `getDialect() !== 'postgres'`'s else, are read as usual.
- Controls: a helper named isSQLite whose body is no dialect test; a helper loading `pg`, or
  writing files with fs: their branches are read, their loads unknown.
- The same tree without .git gives the same findings.
- The plan of an index build keeps a down(): deployed with the real sequelize-cli 6 on PostgreSQL
  15, db:migrate builds the index and db:migrate:undo drops it.

    test_review86_sequelize.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from real_tools import node_modules  # noqa: E402
from test_module_writes import pull_request  # noqa: E402
from test_node_pg_migrate_builders import Postgres  # noqa: E402

PACKAGE = {"package.json": '{"name": "codimd", "dependencies": {"sequelize": "^6.37.0", "sequelize-cli": "^6.6.0", "pg": "^8.11.0",'
                           ' "body-parser": "^1.20.0", "mime-types": "^2.1.35"}}\n',
           ".sequelizerc": "const path = require('path')\nmodule.exports = {\n  config: path.resolve('config.json'),\n"
                           "  'migrations-path': path.resolve('lib', 'migrations')\n}\n"}
UTILS = """'use strict'
const fs = require('fs')
const path = require('path')
const bodyParser = require('body-parser')
const mime = require('mime-types')

exports.isSQLite = function isSQLite (sequelize) {
  return sequelize.options.dialect === 'sqlite'
}

exports.getImageMimeType = function getImageMimeType (imagePath) {
  return mime.lookup(path.extname(imagePath))
}

exports.isRevealTheme = function isRevealTheme (theme) {
  if (fs.existsSync(path.join(__dirname, '..', 'public', theme + '.css'))) {
    return theme
  }
  return undefined
}

exports.urlencodedParser = bodyParser.urlencoded({ extended: false })
"""
M = "lib/migrations/20150915153700-change-notes-title-to-text.js"
MIGRATION = """'use strict'
const isSQLite = require('../utils').isSQLite
module.exports = {
  up: function (queryInterface, Sequelize) {
    return queryInterface.changeColumn('Notes', 'title', {
      type: Sequelize.TEXT
    }).then(function () {
      if (isSQLite(queryInterface.sequelize)) {
        // manual added index will be removed in sqlite
        return queryInterface.addIndex('Notes', ['shortid'])
      }
    })
  },

  down: function (queryInterface, Sequelize) {
    return queryInterface.changeColumn('Notes', 'title', {
      type: Sequelize.STRING
    })
  }
}
"""
E = "lib/migrations/20160101000000-else.js"
ELSE = """'use strict'
const { isSQLite } = require('../utils')
module.exports = {
  up: async (queryInterface) => {
    if (isSQLite(queryInterface.sequelize)) {
      await queryInterface.sequelize.query('VACUUM')
    } else {
      await queryInterface.sequelize.query('DROP TABLE "Legacy"')
    }
    if (queryInterface.sequelize.getDialect() !== 'postgres') {
      await queryInterface.sequelize.query('PRAGMA foreign_keys = OFF')
    } else {
      await queryInterface.sequelize.query('DROP TABLE "Older"')
    }
  },
  down: async () => {}
}
"""


def run(s, cwd=None):
    """analyze over the tree as a user runs it: (exit code, stderr, findings)."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", "."], cwd=cwd or s.repo,
                          capture_output=True, text=True, timeout=120)
    files = json.loads(proc.stdout)["files"]
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "risk": f["risk"], "message": f["message"]}
             for file in files for f in file["findings"]]
    return proc.returncode, proc.stderr, found


def at(found, rule, path, line):
    return any(f["rule"] == rule and f["path"] == path and f["line"] == line for f in found)


def dialect_helper(s):
    """codimd's isSQLite branch: no create-index HIGH; the branch is one unknown at its line (the
    safety rule); elses are read. utils.js's loads (fs, body-parser, mime-types) stay one unknown at
    the import: a package's name does not say whether it connects, so a helper is held to the
    migration's own allowlist."""
    pull_request(s, {M: MIGRATION, E: ELSE, "lib/utils.js": UTILS}, PACKAGE)
    _, err, found = run(s)
    check(not [f for f in found if f["path"] == M and f["rule"] == "create-index-without-concurrently"],
          f"the SQLite-only addIndex is not read as PostgreSQL's: {found}")
    unknown = sorted((f["path"], f["line"]) for f in found if f["rule"] == "unknown-statement")
    check(unknown == sorted([(E, 2), (E, 5), (E, 10), (M, 2), (M, 8)]),
          f"unknown at each branch left unread and at the helper's import (line 2): {unknown}\n{err}")
    check(at(found, "drop-table", E, 8) and at(found, "drop-table", E, 13), f"the else branches run on PostgreSQL and are read: {found}")


def dialect_helper_name_control(s):
    """A helper named isSQLite whose body tests no dialect: its branch is read (the name is not trusted)."""
    utils = UTILS.replace("return sequelize.options.dialect === 'sqlite'", "return sequelize.options.logging !== false")
    pull_request(s, {M: MIGRATION, "lib/utils.js": utils}, PACKAGE)
    _, err, found = run(s)
    check(at(found, "create-index-without-concurrently", M, 10), f"the branch is read: {found}\n{err}")


def helper_driver_control(s):
    """A helper that loads pg, or writes files with fs: the migration is unknown at its import."""
    for extra in ("const { Client } = require('pg')\n", "fs.writeFileSync(path.join(__dirname, 'x.js'), '')\n"):
        shutil.rmtree(s.repo, ignore_errors=True)
        pull_request(s, {M: MIGRATION, "lib/utils.js": UTILS + extra}, PACKAGE)
        _, err, found = run(s)
        check(at(found, "unknown-statement", M, 2), f"{extra.strip()}: unknown at the helper's import: {found}\n{err}")


def without_git_same(s):
    """The tree as `git archive` leaves it (no .git) gives the findings a checkout gives."""
    pull_request(s, {M: MIGRATION, E: ELSE, "lib/utils.js": UTILS}, PACKAGE)
    plain = os.path.join(s.tmp, "archive")
    shutil.copytree(s.repo, plain, ignore=shutil.ignore_patterns(".git"))
    _, _, with_git = run(s)
    _, err, without = run(s, plain)
    key = lambda found: sorted((f["rule"], f["path"], f["line"]) for f in found)  # noqa: E731
    check(key(with_git) == key(without), f"with .git: {key(with_git)}\nwithout: {key(without)}\n{err}")


INIT = """'use strict'
module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('Revisions', {
      id: { type: Sequelize.UUID, primaryKey: true },
      noteId: { type: Sequelize.UUID }
    })
  },
  down: async (queryInterface) => {
    await queryInterface.dropTable('Revisions')
  }
}
"""
INDEX = "lib/migrations/20240114120250-revision-add-index.js"
ADD_INDEX = """'use strict'

module.exports = {
  up: (queryInterface, Sequelize) => {
    return queryInterface.addIndex('Revisions', ['noteId'], {})
  },

  down: (queryInterface, Sequelize) => {
    return queryInterface.removeIndex('Revisions', 'noteId')
  }
}
"""


def plan_down_deploys(s):
    """codimd 20240114120250-revision-add-index.js: the plan's CREATE INDEX CONCURRENTLY migration
    has a down() that drops it; sequelize-cli 6 runs both on PostgreSQL 15. (codimd's own down,
    removeIndex('Revisions', 'noteId'), names no index there: sequelize 6's postgres
    removeIndexQuery takes a string as the index's name, so it sends DROP INDEX IF EXISTS "noteId".)"""
    pull_request(s, {INDEX: ADD_INDEX}, {**PACKAGE, "lib/migrations/20150504155329-create-revisions.js": INIT})
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "plan", INDEX], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"plan: exit {proc.returncode}: {proc.stderr}")
    modules = node_modules(os.path.join(os.environ.get("TMPDIR", "/tmp"), "pgfence-test-sequelize-cli6"),
                           ["sequelize-cli@6", "sequelize@6", "pg@8"], os.path.join("sequelize-cli", "lib", "sequelize"))
    pg = Postgres()
    try:
        deploy = os.path.join(s.tmp, "deploy")
        os.makedirs(os.path.join(deploy, "lib", "migrations"))
        shutil.copy(os.path.join(s.repo, "lib", "migrations", "20150504155329-create-revisions.js"), os.path.join(deploy, "lib", "migrations"))
        shutil.copy(os.path.join(s.repo, "pgfence-plan", INDEX), os.path.join(deploy, "lib", "migrations"))
        for f in (".sequelizerc",):
            shutil.copy(os.path.join(s.repo, f), deploy)
        with open(os.path.join(deploy, "config.json"), "w") as f:
            json.dump({"production": {"dialect": "postgres", "host": "127.0.0.1", "port": pg.port, "username": "postgres",
                                      "database": "postgres", "logging": False}}, f)
        os.symlink(modules, os.path.join(deploy, "node_modules"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PG"))}
        env["NODE_ENV"] = "production"
        cli = ["node", os.path.join(modules, "sequelize-cli", "lib", "sequelize")]

        def index_exists():
            return pg.sql("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                          "WHERE c.relname = 'revisions_note_id' AND i.indisvalid").strip() == "1"
        up = subprocess.run([*cli, "db:migrate"], cwd=deploy, env=env, capture_output=True, text=True, timeout=300)
        check(up.returncode == 0, f"db:migrate: {up.stdout}\n{up.stderr}")
        check(index_exists(), "db:migrate built the index, valid")
        undo = subprocess.run([*cli, "db:migrate:undo"], cwd=deploy, env=env, capture_output=True, text=True, timeout=300)
        check(undo.returncode == 0, f"db:migrate:undo: {undo.stdout}\n{undo.stderr}")
        check(not index_exists(), "db:migrate:undo dropped the index")
        check(pg.sql('SELECT count(*) FROM "SequelizeMeta"').strip() == "1", "only the plan's migration was undone")
    finally:
        pg.stop()
    planned = open(os.path.join(s.repo, "pgfence-plan", INDEX)).read()
    check("DROP INDEX CONCURRENTLY IF EXISTS" in planned.split("down(")[-1], f"the plan's down() drops the index: {planned}")


def plan_down_knex_typeorm(s):
    """The knex and TypeORM writers keep a down() too: DROP INDEX CONCURRENTLY IF EXISTS."""
    knexfile = {"package.json": '{"dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n',
                "knexfile.js": "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n"}
    path = "migrations/20240101000000_index.js"
    pull_request(s, {path: "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.index(['email'], 'users_email') });\n"
                           "exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropIndex(['email'], 'users_email') });\n"},
                 knexfile)
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "plan", path], cwd=s.repo, capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"plan: exit {proc.returncode}: {proc.stderr}")
    text = open(os.path.join(s.repo, "pgfence-plan", path)).read()
    check("knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS users_email;`)" in text.split("exports.down")[-1], f"knex: {text}")
    shutil.rmtree(s.repo)
    t = "src/migrations/1700000000000-Index.ts"
    pull_request(s, {t: 'import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class Index1700000000000 implements MigrationInterface {\n'
                        '    public async up(queryRunner: QueryRunner): Promise<void> {\n'
                        '        await queryRunner.query(`CREATE INDEX "users_email" ON "users" ("email")`);\n    }\n\n'
                        '    public async down(queryRunner: QueryRunner): Promise<void> {\n'
                        '        await queryRunner.query(`DROP INDEX "users_email"`);\n    }\n}\n'},
                 {"package.json": '{"dependencies": {"typeorm": "0.3.20", "pg": "8.11.0"}}\n'})
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "plan", t], cwd=s.repo, capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"plan: exit {proc.returncode}: {proc.stderr}")
    text = open(os.path.join(s.repo, "pgfence-plan", t)).read()
    check("queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS users_email;`)" in text.split("async down")[-1], f"typeorm: {text}")


SCENARIOS = {f.__name__: f for f in (dialect_helper, dialect_helper_name_control, helper_driver_control, without_git_same,
                                     plan_down_deploys, plan_down_knex_typeorm)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
