"""Files that look like migrations where no tool setting pgfence reads runs any (issue #53, red team
H2): the application's own code names the folder (knex.migrate.latest({ directory }), Umzug,
Django's MIGRATION_MODULES, golang-migrate called from Go) or the tool is one pgfence does not read
(Ecto). A file the pull request adds there is an unknown statement at line 1, so pr fails; down
files and ordinary code that merely calls knex are left alone.

    test_unselected.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import gated, pr_findings, repository  # noqa: E402

KNEX_BASE = {"src/migrate.js": "const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });\n"
                               "knex.migrate.latest({ directory: './db/changes' }).then(() => knex.destroy());\n",
             "package.json": '{"name":"app","private":true,"scripts":{"migrate":"node src/migrate.js"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
             "db/changes/20240101000000_init.js": "exports.up = function (knex) { return knex.raw('CREATE TABLE users (id bigint PRIMARY KEY)'); };\n"
                                                  "exports.down = function () {};\n"}


def knex_programmatic(s):
    """Red team H2, KNEXPROG: src/migrate.js runs knex.migrate.latest({ directory: './db/changes' });
    the pull request adds a migration there that drops users (real knex 3 dropped it)."""
    gated(s, KNEX_BASE, {"db/changes/20240102000000_drop.js": "exports.up = function (knex) { return knex.raw('DROP TABLE users'); };\n"
                                                              "exports.down = function () {};\n"},
          {("db/changes/20240102000000_drop.js", "unknown-statement", 1)}, analyze=False)


def sql_and_ecto(s):
    """Red team H2, GOMIG and ECTO: golang-migrate called from Go over db/schema (a 000002_drop.up.sql)
    and an Ecto migration (the foreign-tool reader: at its `use Ecto.Migration`): each is unknown; the .down.sql beside the up is not."""
    base = {"go.mod": "module app\n\ngo 1.22\n\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n",
            "main.go": 'package main\n\nimport "github.com/golang-migrate/migrate/v4"\n\nfunc main() { m, _ := migrate.New("file://db/schema", "postgres://"); m.Up() }\n',
            "db/schema/000001_init.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "db/schema/000001_init.down.sql": "DROP TABLE users;\n",
            "mix.exs": "defmodule App.MixProject do\n  use Mix.Project\nend\n"}
    head = {"db/schema/000002_drop.up.sql": "DROP TABLE users;\n", "db/schema/000002_drop.down.sql": "CREATE TABLE users (id bigint);\n",
            "priv/repo/migrations/20240102000000_drop.exs": 'defmodule App.Repo.Migrations.Drop do\n  use Ecto.Migration\n  def up do\n'
                                                           '    execute "DROP TABLE users"\n  end\nend\n'}
    gated(s, base, head, {("priv/repo/migrations/20240102000000_drop.exs", "unknown-statement", 2)}, analyze=False)
    found = pr_findings(s)
    check(any(p == "db/schema/000002_drop.up.sql" for p, _, _ in found), f"the up file is reported: {found}")
    check(not any(p == "db/schema/000002_drop.down.sql" for p, _, _ in found), f"the down file is not: {found}")


def near_misses(s):
    """Red team I1 item 3: ordinary spellings the first check missed, each run by its real tool
    (knex 3, Django 3.2) or by the tool's own name rules (goose: any number before '_';
    golang-migrate: `.up.` and any extension): an up exported as an object's arrow, a Django
    Migration imported under another name, a one-digit goose version, an `.up.pgsql` file."""
    base = dict(KNEX_BASE)
    base.update({"db/schema/000001_init.up.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
                 "shop/__init__.py": "", "shop/migrations/__init__.py": ""})
    head = {"db/changes/20240102000000_drop.js": "module.exports = { up: (k) => k.raw('DROP TABLE users'), down: () => {} };\n",
            "shop/migrations/0002_drop.py": "from django.db.migrations import Migration as Base, RunSQL\n\n\n"
                                            "class Migration(Base):\n    operations = [RunSQL('DROP TABLE shop_order')]\n",
            "db/goose/2_drop.sql": "DROP TABLE users;\n",
            "db/schema/000002_drop.up.pgsql": "DROP TABLE orders;\n"}
    gated(s, base, head, {(path, "unknown-statement", 1) for path in head if not path.endswith(".py")}, analyze=False)
    found = pr_findings(s)
    check(any(p == "shop/migrations/0002_drop.py" and r == "unknown-statement" for p, r, _ in found),
          f"the Django migration imported as Base is unknown: {found}")


def ordinary_code_control(s):
    """Code that uses knex but is no migration (a repository module with a setup() helper) is not
    reported."""
    head = {"src/users.js": "const knex = require('./db');\nfunction setup(app) { app.get('/users', async () => knex('users').select()); }\n"
                            "module.exports = { setup };\n"}
    repository(s, KNEX_BASE, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes ordinary code: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(not any(p == "src/users.js" for p, _, _ in pr_findings(s)), f"no finding at src/users.js: {pr_findings(s)}")


def flyway_suffix_case(s):
    """Red team R67 B1: Flyway matches its SQL suffix without case (flyway-core StringUtils
    startsAndEndsWith, ResourceNameParser.stripSuffix), so V2__cleanup.SQL is versioned migration 2
    and afterMigrate.SQL a callback after every migrate. pgfence reads .sql files only: each is
    unknown at line 1 in pr, and analyze of the project reports them too."""
    base = {"flyway.conf": "flyway.locations=filesystem:db/migration\n",
            "db/migration/V1__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}
    head = {"db/migration/V2__cleanup.SQL": "DROP TABLE users;\n", "db/migration/afterMigrate.Sql": "TRUNCATE users;\n"}
    gated(s, base, head, {(path, "unknown-statement", 1) for path in head})


SCENARIOS = {f.__name__: f for f in (knex_programmatic, sql_and_ecto, near_misses, ordinary_code_control, flyway_suffix_case)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
