"""Precision on four public projects (stranger review #83: harbor, supabase/auth, ghostfolio,
docmost): each false finding or failure of pgfence 67ca1bf6 as a control that is clean now, and
beside it the dangerous variant of the same shape, still reported. Real git repositories, the
real binary (`analyze --no-config --format json .`).

    test_stranger_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402
from test_review_precision import env, repository  # noqa: E402


def run(s):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    return proc


def analyze(s):
    """The findings as (path, rule, line, risk, message)."""
    proc = run(s)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    report = json.loads(proc.stdout)
    return [(os.path.normpath(f["path"]), x["rule"], x["start"]["line"], x["risk"], x["message"])
            for f in report["files"] for x in f["findings"]]


def unknowns_in(findings, path):
    return [(line, message) for p, rule, line, _, message in findings if rule == "unknown-statement" and p == path]


def of_rule(findings, rule):
    return [(p, line, risk) for p, r, line, risk, _ in findings if r == rule]


# A project pgfence reads migrations of (Prisma), so that the other files are read beside them.
PRISMA = {"package.json": '{"scripts":{"deploy":"prisma migrate deploy"},"dependencies":{"prisma":"^6"}}\n',
          "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
          "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n'}


def prisma(migrations, extra=None):
    files = dict(PRISMA)
    for name, sql in migrations.items():
        files[f"prisma/migrations/{name}/migration.sql"] = sql
    files.update(extra or {})
    return files


INIT = 'CREATE TABLE "robot" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);\n'


def psql_connect(s):
    """harbor make/photon/db/initial-registry.sql: a psql init script's `\\c registry` is psql's, not
    SQL: no syntax error and no exit 2; the switch of database is an unknown at its line, and the
    SQL after it is still analysed (its non-concurrent index on an existing table reported)."""
    repository(s, prisma({"01_init": INIT}, {
        "db/initial-registry.sql": 'CREATE DATABASE registry ENCODING \'UTF8\';\n\\c registry;\n\n'
                                   'CREATE INDEX robot_name ON robot (name);\n'}))
    proc = run(s)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    found = analyze(s)
    connect = unknowns_in(found, "db/initial-registry.sql")
    check([line for line, _ in connect] == [2] and "registry" in connect[0][1], f"one unknown at the \\c line naming the database: {connect}")
    check(any(p == "db/initial-registry.sql" and r == "create-index-without-concurrently" for p, r, *_ in found),
          f"the SQL after \\c is analysed: {found}")


def notes_once(s):
    """Each `note:` line on stderr once: a script below the top, read from its folder and from the
    top, said its `| psql` twice."""
    repository(s, prisma({"01_init": INIT}, {
        "make/db/docker-healthcheck.sh": "#!/bin/bash\nset -e\nif select=\"$(echo 'SELECT 1' | psql)\"; then\n  exit 0\nfi\n"}))
    proc = run(s)
    notes = [line for line in proc.stderr.splitlines() if line.startswith("note:")]
    check(any("docker-healthcheck.sh:3" in n for n in notes), f"the psql note is said: {notes}")
    check(len(notes) == len(set(notes)), f"each note once: {notes}")


ALEMBIC = ("from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'b2'\ndown_revision = 'a1'\n\n"
           "def upgrade():\n    op.execute('DROP TABLE robot')\n\ndef downgrade():\n    pass\n")


def alembic_lookalike(s):
    """harbor's harbor.yml migrators (make/photon/prepare/migrations/version_2_6_0/__init__.py) set
    `revision` and `down_revisions` and import no alembic: no Alembic revision, no unknown. A real
    Alembic revision beside it is still one."""
    repository(s, prisma({"01_init": INIT}, {
        "prepare/migrations/version_2_6_0/__init__.py":
            "import os\nfrom jinja2 import Environment\n\nrevision = '2.6.0'\ndown_revisions = ['2.5.0']\n\n"
            "def migrate(input_cfg, output_cfg):\n    pass\n",
        "alembic/versions/b2_drop.py": ALEMBIC}))
    found = analyze(s)
    check(unknowns_in(found, "prepare/migrations/version_2_6_0/__init__.py") == [], f"no unknown for the config migrator: {found}")
    check(unknowns_in(found, "alembic/versions/b2_drop.py") != [], f"the Alembic revision is still unknown: {found}")


CONFIG_TS = ("import { X } from './x';\n\nexport const MAP = {\n  [X.a]: 'one',\n  [X.b]: 'two',\n};\n")


def angular_config(s):
    """harbor src/portal/.../config/config.ts (an Angular module, computed keys of an i18n map):
    sequelize-cli loads config/config.js or config/config.json (sequelize/cli config-helper.js
    getConfigFile), never a config.ts by default: no unknown. The same text as config/config.js
    is still read as sequelize-cli's settings."""
    repository(s, prisma({"01_init": INIT}, {
        "src/app/config/config.ts": CONFIG_TS,
        "config/config.js": "const X = require('./x');\nmodule.exports = {\n  [X.a]: { dialect: 'postgres' },\n};\n"}))
    found = analyze(s)
    check(unknowns_in(found, "src/app/config/config.ts") == [], f"no unknown for the Angular config.ts: {found}")
    check(unknowns_in(found, "config/config.js") != [], f"config/config.js is still sequelize-cli's: {found}")


def makefile_assignments(s):
    """harbor Makefile:216 `CORE_BINARYPATH=$(BUILDPATH)/$(GOBUILDMAKEPATH_CORE)`: make variables
    in an assignment, no command. A recipe line that runs a script by a computed name is still unknown."""
    repository(s, prisma({"01_init": INIT}, {
        "Makefile": "BUILDPATH=$(CURDIR)\nCORE_BINARYPATH=$(BUILDPATH)/$(GOBUILDMAKEPATH_CORE)\n\n"
                    "deploy:\n\tbash $(SCRIPTS)/migrate.sh\n"}))
    found = analyze(s)
    lines = [line for line, _ in unknowns_in(found, "Makefile")]
    check(2 not in lines, f"no unknown for the assignment: {lines}")
    check(5 in lines, f"the recipe's computed script is still unknown: {lines}")
    # GNU make's .RECIPEPREFIX: an unindented line is a recipe (red team R83b H6).
    write(os.path.join(s.repo, "ops.mk"), ".RECIPEPREFIX = >\ndeploy:\n> bash $(SCRIPTS)/migrate.sh\n")
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "ops")
    lines = [line for line, _ in unknowns_in(analyze(s), "ops.mk")]
    check(3 in lines, f"a .RECIPEPREFIX recipe's computed script is unknown: {lines}")


def shell_comment(s):
    """harbor make/photon/db/initdb.sh:26 `# usage: initPG $Dir $initSql`: a shell comment runs
    nothing. The same words in a command are still read (PGOPTIONS set for psql)."""
    repository(s, prisma({"01_init": INIT}, {
        "db/initdb.sh": "#!/bin/bash\n# usage: initPG $Dir $initSql\n#   Use $initSql to run the init SQL\n"
                        "export PGOPTIONS='-c statement_timeout=0'\npsql -f db/x.sql\n",
        "db/x.sql": "SELECT 1;\n"}))
    found = analyze(s)
    lines = [line for line, _ in unknowns_in(found, "db/initdb.sh")]
    check(2 not in lines and 3 not in lines, f"no unknown for the comments: {lines}")
    check(4 in lines, f"PGOPTIONS is still unknown: {lines}")


def prisma_dirname(s):
    """ghostfolio .config/prisma.ts: migrations.path `join(__dirname, '..', 'prisma', 'migrations')`
    with join from node:path is prisma/migrations, folded; with a `join` of the project's own
    (tools/prisma.config.ts) it is not, and stays unknown."""
    config = ("import { defineConfig } from '@prisma/config';\nimport { join } from 'node:path';\n\n"
              "export default defineConfig({\n  migrations: {\n    path: join(__dirname, '..', 'prisma', 'migrations')\n  },\n"
              "  schema: join(__dirname, '..', 'prisma', 'schema.prisma')\n});\n")
    other = config.replace("from 'node:path'", "from './paths'")
    repository(s, prisma({"01_init": INIT}, {".config/prisma.ts": config, "tools/prisma.config.ts": other}))
    found = analyze(s)
    check(unknowns_in(found, ".config/prisma.ts") == [], f"migrations.path is folded: {found}")
    check([line for line, _ in unknowns_in(found, "tools/prisma.config.ts")] == [6], f"a join of the project's own stays unknown: {found}")


def compose_build_context(s):
    """ghostfolio docker/docker-compose.build.yml `build: ../`: a build context, no script. A
    command that runs a script outside the repository is still unknown."""
    repository(s, prisma({"01_init": INIT}, {
        "docker/docker-compose.build.yml": "services:\n  app:\n    build: ../\n    image: app:local\n",
        "docker/docker-compose.yml": "services:\n  app:\n    image: app\n    command: ../../outside/migrate.sh\n"}))
    found = analyze(s)
    check(unknowns_in(found, "docker/docker-compose.build.yml") == [], f"no unknown for build: ../: {found}")
    check([line for line, _ in unknowns_in(found, "docker/docker-compose.yml")] == [4], f"the outside script is still unknown: {found}")


def sequence_raised(s):
    """harbor 0190: `ALTER SEQUENCE robot_id_seq AS bigint MAXVALUE 9007199254740991` of a serial
    (integer, MAXVALUE 2147483647) raises the bound: no sequence-limit-lowered. A MAXVALUE below
    the integer's maximum is still HIGH."""
    repository(s, prisma({"01_init": INIT,
                          "02_raise": 'ALTER SEQUENCE robot_id_seq AS bigint MAXVALUE 9007199254740991;\n',
                          "03_lower": 'ALTER SEQUENCE robot_id_seq MAXVALUE 1000000;\n'}))
    found = of_rule(analyze(s), "sequence-limit-lowered")
    check([p for p, *_ in found] == ["prisma/migrations/03_lower/migration.sql"], f"only the lowered bound: {found}")


UNIQUE_INIT = ('CREATE TABLE "acc" ("id" INT PRIMARY KEY, "artifact_id" INT, "digest" TEXT, "subject_id" INT,'
               ' CONSTRAINT "unique_acc" UNIQUE ("artifact_id", "digest"));\n'
               'CREATE TABLE "MarketData" ("id" TEXT PRIMARY KEY, "date" DATE, "symbol" TEXT, "dataSource" TEXT);\n'
               'CREATE UNIQUE INDEX "MarketData_date_symbol_key" ON "MarketData"("date", "symbol");\n')


def unique_added_again(s):
    """harbor 0110: the unique constraint dropped and added again, same name, in a DO block's
    `IF NOT EXISTS (... pg_constraint WHERE conname = ...)` of the same file: no integrity finding.
    One that adds another name stays HIGH."""
    again = ('ALTER TABLE acc DROP CONSTRAINT IF EXISTS unique_acc;\n'
             'DO $$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = \'unique_acc\')\n    THEN\n'
             '        ALTER TABLE acc ADD CONSTRAINT unique_acc UNIQUE (artifact_id, digest);\n    END IF;\nEND $$;\n')
    repository(s, prisma({"01_init": UNIQUE_INIT, "02_again": again,
                          "03_other": again.replace("DROP CONSTRAINT IF EXISTS unique_acc", "DROP CONSTRAINT IF EXISTS unique_acc2")
                          .replace("ADD CONSTRAINT unique_acc ", "ADD CONSTRAINT other_acc ")}))
    found = of_rule(analyze(s), "integrity-not-enforced")
    check(not any(p.endswith("02_again/migration.sql") for p, *_ in found), f"the guarded add again replaces it: {found}")
    check(any(p.endswith("03_other/migration.sql") and r == "HIGH" for p, _, r in found), f"another name's add is no replacement: {found}")


def unique_widened(s):
    """ghostfolio 20230422180309: the unique (date, symbol) index dropped and a unique index on
    (dataSource, date, symbol) made in the same file: the author's wider key, MEDIUM and said so,
    not HIGH. Its drop, alone in a later file, stays HIGH."""
    widened = ('DROP INDEX "MarketData_date_symbol_key";\n'
               'CREATE UNIQUE INDEX "MarketData_dataSource_date_symbol_key" ON "MarketData"("dataSource", "date", "symbol");\n')
    repository(s, prisma({"01_init": UNIQUE_INIT, "02_widen": widened,
                          "03_drop": 'DROP INDEX "MarketData_dataSource_date_symbol_key";\n'}))
    found = [(p, line, risk, m) for p, r, line, risk, m in analyze(s) if r == "integrity-not-enforced"]
    check(len(found) == 2 and found[0][0].endswith("02_widen/migration.sql") and found[0][2] == "MEDIUM" and
          "MarketData_dataSource_date_symbol_key" in found[0][3], f"a MEDIUM finding naming the wider key: {found}")
    check(found[1][0].endswith("03_drop/migration.sql") and found[1][2] == "HIGH", f"the lone drop is HIGH: {found}")


def db_migrate_folder_named(s):
    """Unleash (stranger review 84): a db-migrate script that only calls db.createTable names no tool
    in its words, and the project depends on both db-migrate and knex; package.json's
    `db-migrate --migrations-dir ./src/migrations` says whose folder it is: read as db-migrate's, its
    table made. The same script in a folder no command names stays unknown."""
    script = ("'use strict';\nexports.up = function (db, cb) {\n  db.createTable('client_applications', {\n"
              "    app_name: { type: 'string', length: 255, primaryKey: true },\n  }, cb);\n};\n"
              "exports.down = function (db, cb) {\n  db.dropTable('client_applications', cb);\n};\n")
    repository(s, {"package.json": '{"name":"app","scripts":{"db-migrate":"db-migrate --migrations-dir ./src/migrations"},'
                                   '"dependencies":{"db-migrate":"0.11.14","db-migrate-pg":"1.5.2","knex":"^3"}}\n',
                   "src/migrations/20161205203516-create-client-applications.js": script,
                   "other/migrations/20161205203517-create-more.js": script.replace("client_applications", "more")})
    found = analyze(s)
    named = [f for f in found if f[0] == "src/migrations/20161205203516-create-client-applications.js"]
    check(not [f for f in named if f[1] == "unknown-statement"], f"the folder's tool reads the script: {named}")
    other = unknowns_in(found, "other/migrations/20161205203517-create-more.js")
    check(other and "cannot tell which migration tool" in other[0][1], f"a folder no command names stays unknown: {found}")


SCENARIOS = {f.__name__: f for f in (psql_connect, notes_once, alembic_lookalike, angular_config, makefile_assignments, shell_comment,
                                     prisma_dirname, compose_build_context, sequence_raised, unique_added_again, unique_widened,
                                     db_migrate_folder_named)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
