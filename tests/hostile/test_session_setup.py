"""Settings that set up the migration tool's connections (issue #53, red team H1): libpq's
`options` (-c standard_conforming_strings=off), PGOPTIONS, a pool's hook on each new connection.
Under standard_conforming_strings off the server reads `SELECT 'a\\''; DROP TABLE orders; --'` as a
DROP, where pgfence reads one literal. A line that sets such a thing is an unknown statement in pr
(added or changed) and in analyze (the tool's settings file); a model's afterCreate hook is not.

    test_session_setup.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import WORKFLOW, KNEX_INIT, analyze_findings, gated, pr_findings, repository, run, typeorm_base  # noqa: E402

ESCAPED_DROP = ("import { MigrationInterface, QueryRunner } from \"typeorm\";\nexport class Note1700000000001 implements MigrationInterface {\n"
                "  async up(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(\"SELECT 'a\\\\''; DROP TABLE orders; --'\"); }\n"
                "  async down(): Promise<void> {}\n}\n")


def typeorm_options(s):
    """Red team H1, TY_OPTS: the pull request gives TypeORM's DataSource `extra: { options: "-c
    standard_conforming_strings=off" }` (node-postgres passes it to the server) beside a migration
    whose one literal is a DROP TABLE under that setting (real TypeORM dropped orders)."""
    base = typeorm_base("false")
    head = {"src/data-source.ts": base["src/data-source.ts"].replace(
                "  synchronize: false,\n", '  synchronize: false,\n  extra: { options: "-c standard_conforming_strings=off" },\n'),
            "src/migrations/1700000000001-Note.ts": ESCAPED_DROP}
    gated(s, base, head, {("src/data-source.ts", "unknown-statement", 8)}, analyze=False)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(("src/data-source.ts", "unknown-statement", 8) in analyze_findings(s), "analyze reports the options line of the data source")


def workflow_pgoptions(s):
    """Red team H1, CI_KNEXPGOPTIONS: only the deploy workflow changes, giving the migrate step
    PGOPTIONS; real knex then ran the migration under standard_conforming_strings off."""
    base = {".github/workflows/deploy.yml": WORKFLOW, "migrations/20240101000000_init.js": KNEX_INIT,
            "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
            "package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n'}
    head = {".github/workflows/deploy.yml": WORKFLOW.replace("      - run: npm run migrate\n",
                                                             "      - run: npm run migrate\n        env: { PGOPTIONS: \"-c standard_conforming_strings=off\" }\n")}
    gated(s, base, head, {(".github/workflows/deploy.yml", "unknown-statement", 10)}, analyze=False)


def workflow_psql_inline(s):
    """Red team H1, CI_PSQLC / CI_PSQLPIPE: the deploy workflow runs SQL through psql that is in no
    file: `psql -c "TRUNCATE orders CASCADE"` and `cat cleanup.txt | psql`. The first is unknown at its
    line (the file cat pipes in is analysed); the job's `psql -c 'SELECT 1'` wait for the server is a read and is not."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: until psql \"$DATABASE_URL\" -c 'SELECT 1'; do sleep 1; done\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f migrations/001_init.sql\n")
    base = {".github/workflows/deploy.yml": workflow,
            "migrations/001_init.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric);\n"}
    head = {".github/workflows/deploy.yml": workflow + "      - run: psql \"$DATABASE_URL\" -c \"TRUNCATE orders CASCADE\"\n"
                                                       "      - run: cat db/cleanup.txt | psql \"$DATABASE_URL\"\n",
            "db/cleanup.txt": "DELETE FROM orders;\n"}
    # The piped file is that file (red team R68 B9): analysed, its DELETE found.
    gated(s, base, head, {(".github/workflows/deploy.yml", "unknown-statement", 10),
                          ("db/cleanup.txt", "delete-without-where", 1)}, analyze=False)
    check((".github/workflows/deploy.yml", "unknown-statement", 8) not in pr_findings(s), f"the SELECT 1 wait is not unknown: {pr_findings(s)}")


def settings_too_large(s):
    """Red team H2, KNEXBIG: the pull request changes the knexfile's tableName (knex then runs every
    merged migration again) and pads the file past what pgfence reads of a settings file. A settings
    file pgfence did not read is unknown, never skipped."""
    knexfile = "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n"
    base = {"knexfile.js": knexfile, "migrations/20240101000000_init.js": KNEX_INIT,
            "package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n'}
    padded = knexfile.replace("directory: './migrations' }", "directory: './migrations', tableName: 'knex_migrations_v2' }") + \
        ("// " + "x" * 1020 + "\n") * 17000
    gated(s, base, {"knexfile.js": padded}, {("knexfile.js", "unknown-statement", 1)}, analyze=False)


def model_hook_control(s):
    """A Sequelize model's afterCreate hook (a row's lifecycle, not a connection's) is not a
    connection setup: the pull request that adds one has no unknown statement for it."""
    base = {"package.json": '{"name":"app","dependencies":{"sequelize":"^6","pg":"^8"}}\n',
            "src/models/user.js": "module.exports = (sequelize, DataTypes) => sequelize.define('User', { email: DataTypes.TEXT });\n"}
    head = {"src/models/user.js": "module.exports = (sequelize, DataTypes) => {\n  const User = sequelize.define('User', { email: DataTypes.TEXT });\n"
                                  "  User.afterCreate(async (user) => { console.log(user.id); });\n  return User;\n};\n",
            # An i18n key that starts like a connection hook (a precision review found 35 such files).
            "src/locales/ca.js": "module.exports = {\n  allChangesWillBeAutomaticallySavedAfterConnectionRestored: 'Desat en tornar',\n};\n"}
    repository(s, base, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes a model hook: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(not any(p in ("src/models/user.js", "src/locales/ca.js") for p, _, _ in pr_findings(s)), f"no finding at the model: {pr_findings(s)}")


def sequelize_connect_hooks(s):
    """Sequelize's connection hooks run code on each connection before the migrations use it:
    beforeConnect may rewrite the connection's config (its options, its database), afterConnect and
    afterPoolAcquire get the connection itself. A pull request adding one has an unknown statement
    at its line; before, only afterConnect was known, and beforeConnect passed."""
    base = {"package.json": '{"name":"app","dependencies":{"sequelize":"^6","pg":"^8"}}\n',
            "src/db.js": "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.DATABASE_URL, {\n"
                         "  logging: false,\n});\n"}
    head = {"src/db.js": "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.DATABASE_URL, {\n"
                         "  logging: false,\n  hooks: {\n    beforeConnect: async (config) => { Object.assign(config, await require('./remote')()); },\n"
                         "    afterPoolAcquire: (connection) => connection.query(require('./setup')),\n  },\n});\n"}
    gated(s, base, head, {("src/db.js", "unknown-statement", 5), ("src/db.js", "unknown-statement", 6)}, analyze=False)


def spelled_settings(s):
    """Red team I1 item 1: the same settings spelled so that no line says them plainly. A JSON
    escape (`PG\u004fPTIONS`), a TypeScript hex escape and a concatenation (`"PG" + "OPTIONS"`), a
    shell's quotes (`PG''OPTIONS`), `--name=value` options, a key past the line's first 4 KiB, and
    a Terraform file (not a settings file by its extension) each set the migrations' session; each
    is unknown at its line. A Dockerfile's NODE_OPTIONS=--max-old-space-size is not."""
    base = {".github/workflows/deploy.yml": WORKFLOW, "migrations/20240101000000_init.js": KNEX_INIT,
            "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
            "package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
            "Dockerfile": "FROM node:20\nCOPY . /app\n"}
    head = {"config/deploy.json": '{\n  "env": {\n    "PG\\u004fPTIONS": "--search_path=archive"\n  }\n}\n',
            "src/boot.ts": 'export function boot() {\n  process.env["PG" +\n    "OPTIONS"] = "--search_path=archive";\n'
                           '  process.env.STANDARD = "standard\\x5fconforming\\x5fstrings";\n}\n',
            "scripts/deploy.sh": "#!/bin/sh\nset -e\nPG''OPTIONS=--search_path=archive npm run migrate\n",
            "config/db.yml": "production:\n  options: \"--search_path=archive\"\n",
            "config/long.json": '{"pad": "' + "x" * 5000 + '", "options": "-c search_path=archive"}\n',
            "infra/main.tf": 'resource "aws_ecs_task_definition" "migrate" {\n  environment = [\n'
                             '    { name = "PGOPTIONS", value = "-c search_path=archive" },\n  ]\n}\n',
            "Dockerfile": "FROM node:20\nENV NODE_OPTIONS=--max-old-space-size=4096\nCOPY . /app\n"}
    gated(s, base, head, {("config/deploy.json", "unknown-statement", 3), ("src/boot.ts", "unknown-statement", 2),
                          ("src/boot.ts", "unknown-statement", 4), ("scripts/deploy.sh", "unknown-statement", 3),
                          ("config/db.yml", "unknown-statement", 2), ("config/long.json", "unknown-statement", 1),
                          ("infra/main.tf", "unknown-statement", 3)}, analyze=False)
    check(not any(p == "Dockerfile" for p, _, _ in pr_findings(s)), f"NODE_OPTIONS is not a session setting: {pr_findings(s)}")


def psql_clients(s):
    """Red team I1 item 2: SQL that psql or another client runs from a CI workflow, spelled as psql
    reads its command line. A -c that opens with SELECT but goes on (`SELECT 1; DROP TABLE ...`), a
    -c of `\\i`, combined short options (-Xqc), `-f -` from a pipe, a command continued over lines,
    a YAML folded scalar, pg_restore --clean, pgbench -f and vacuumdb --full are each unknown at
    their line; the `SELECT 1` wait for the server and a plain vacuumdb are not."""
    workflow = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: until psql \"$DATABASE_URL\" -c 'SELECT 1'; do sleep 1; done\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f migrations/001_init.sql\n")
    base = {".github/workflows/deploy.yml": workflow,
            "migrations/001_init.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric);\n"}
    added = ("      - run: psql \"$DATABASE_URL\" -c \"SELECT 1; DROP TABLE orders\"\n"          # 10
             "      - run: psql \"$DATABASE_URL\" -c '\\i db/cleanup.txt'\n"                      # 11
             "      - run: psql \"$DATABASE_URL\" -Xqc 'TRUNCATE orders'\n"                       # 12
             "      - run: cat db/cleanup.txt | psql \"$DATABASE_URL\" -f -\n"                   # 13
             "      - run: |\n"                                                                   # 14
             "          psql \"$DATABASE_URL\" \\\n"                                              # 15
             "            -c 'DELETE FROM orders'\n"                                              # 16
             "      - run: >\n"                                                                   # 17
             "          psql \"$DATABASE_URL\"\n"                                                 # 18
             "          -c 'DELETE FROM orders'\n"                                                # 19
             "      - run: pg_restore --clean -d \"$DATABASE_URL\" db/snapshot.dump\n"            # 20
             "      - run: pgbench -n -f db/load.sql \"$DATABASE_URL\"\n"                          # 21
             "      - run: vacuumdb --full -d \"$DATABASE_URL\"\n"                                # 22
             "      - run: vacuumdb --analyze -d \"$DATABASE_URL\"\n")                            # 23
    head = {".github/workflows/deploy.yml": workflow + added, "db/cleanup.txt": "DELETE FROM orders;\n"}
    # Line 13 pipes db/cleanup.txt into psql: the file is analysed (red team R68 B9).
    gated(s, base, head, {(".github/workflows/deploy.yml", "unknown-statement", n) for n in (10, 11, 12, 15, 17, 20, 21, 22)} |
          {("db/cleanup.txt", "delete-without-where", 1)}, analyze=False)
    found = pr_findings(s)
    for n in (8, 23):
        check((".github/workflows/deploy.yml", "unknown-statement", n) not in found, f"line {n} is not unknown: {sorted(found)}")


def psql_startup_file(s):
    """Red team R70 F5: psql runs its start-up file before every file it is given (unless -X):
    $PSQLRC, else $HOME/.psqlrc. The pull request points PSQLRC at a file of its own in the
    workflow's env, and a deploy script runs psql with HOME in the repository, whose db/.psqlrc
    truncates users (real psql 15 did both). Each line and each start-up file is unknown; a HOME
    in a file that runs no psql is not."""
    workflow = ("name: deploy\non: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n"
                "      - run: for f in db/migrations/*.sql; do psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f \"$f\"; done\n")
    base = {".github/workflows/deploy.yml": workflow,
            "deploy.sh": "#!/bin/sh\nset -e\npsql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/release.sql\n",
            "build.sh": "#!/bin/sh\nnpm ci\n",
            "db/release.sql": "SELECT 1;\n",
            "db/migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}
    head = {".github/workflows/deploy.yml": workflow + "        env:\n          PSQLRC: db/psqlrc\n",
            "db/psqlrc": "DROP TABLE users;\n",
            "deploy.sh": "#!/bin/sh\nset -e\nHOME=$PWD/db psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/release.sql\n",
            "build.sh": "#!/bin/sh\nexport HOME=/tmp/build\nnpm ci\n",
            "db/.psqlrc": "TRUNCATE users;\n"}
    # db/psqlrc, which the pull request's PSQLRC names, is followed and analysed (red team R71 F5).
    gated(s, base, head, {(".github/workflows/deploy.yml", "unknown-statement", 10), ("db/psqlrc", "drop-table", 1),
                          ("deploy.sh", "unknown-statement", 3), ("db/.psqlrc", "unknown-statement", 1)}, analyze=False)
    check(("build.sh", "unknown-statement", 2) not in pr_findings(s), f"HOME where no psql runs is not unknown: {sorted(pr_findings(s))}")


RC_BASE = "SET lock_timeout = '5s';\n"


def psqlrc_named_file(s):
    """Red team R71 F5: the base branch already sets PSQLRC (a job's `env:`, a step's
    `${{ github.workspace }}/...`, `export PSQLRC="$PWD/..."` in a deploy script, `PSQLRC=x psql`, a
    Dockerfile's ENV by a path in the image) to files of any name; psql runs the file before every
    file it is given (real psql 15 dropped users from both the job's and the script's). The pull
    request edits only those files, adds the version-specific name psql 15 tries first
    (`ops/step.rc-15`), and edits a file one of them includes (`\\ir`): each is analysed.
    PSQLRC=/dev/null runs nothing: a new .conf of SQL is not made unknown by it."""
    workflow = ("name: deploy\non: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    env:\n      PSQLRC: db/session-defaults.sql\n"
                "    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: for f in db/migrations/*.sql; do psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f \"$f\"; done\n"
                "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/release.sql\n"
                "        env:\n          PSQLRC: ${{ github.workspace }}/ops/step.rc\n")
    base = {".github/workflows/deploy.yml": workflow,
            "deploy.sh": "#!/bin/sh\nset -e\nexport PSQLRC=\"$PWD/ops/boot\"\npsql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/release.sql\n",
            "scripts/inline.sh": "#!/bin/sh\nPSQLRC=db/inline.rc psql \"$DATABASE_URL\" -f db/release.sql\n",
            "scripts/quiet.sh": "#!/bin/sh\nPSQLRC=/dev/null psql \"$DATABASE_URL\" -f db/release.sql\n",
            "Dockerfile": "FROM postgres:15\nCOPY . /app\nENV PSQLRC=/app/db/docker.psqlrc\nCMD [\"psql\", \"-f\", \"/app/db/release.sql\"]\n",
            "db/session-defaults.sql": RC_BASE, "ops/boot": RC_BASE, "ops/step.rc": RC_BASE, "db/inline.rc": RC_BASE,
            "db/docker.psqlrc": RC_BASE + "\\ir docker/extra.sql\n", "db/docker/extra.sql": "SELECT 1;\n", "db/release.sql": "SELECT 1;\n",
            "db/migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}
    drop = RC_BASE + "DROP TABLE users;\n"
    head = {"db/session-defaults.sql": drop, "ops/boot": drop, "ops/step.rc-15": "DROP TABLE users;\n", "db/inline.rc": drop,
            "db/docker.psqlrc": RC_BASE + "\\ir docker/extra.sql\n" + "DROP TABLE users;\n", "db/docker/extra.sql": "DROP TABLE users;\n",
            "notes/todo.conf": "DROP TABLE users;\n",
            "db/migrations/002_idx.sql": "CREATE INDEX CONCURRENTLY users_email ON users (email);\n"}
    gated(s, base, head, {("db/session-defaults.sql", "drop-table", 2), ("ops/boot", "drop-table", 2), ("ops/step.rc-15", "drop-table", 1),
                          ("db/inline.rc", "drop-table", 2), ("db/docker.psqlrc", "drop-table", 3), ("db/docker/extra.sql", "drop-table", 1)},
          analyze=False)
    found = pr_findings(s)
    check(not any(f[0] == "notes/todo.conf" for f in found), f"PSQLRC=/dev/null makes no file unknown: {sorted(found)}")


def psqlrc_unresolved(s):
    """Red team R71 F5: a PSQLRC pgfence cannot resolve (`$HOME/...` in a deploy script) may name
    any file: a file of SQL the pull request adds, whatever its name, is unknown at line 1."""
    base = {"deploy.sh": "#!/bin/sh\nset -e\nexport PSQLRC=\"$HOME/app/session.rc\"\npsql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/release.sql\n",
            "db/release.sql": "SELECT 1;\n", "db/migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}
    gated(s, base, {"ops/session.rc": "TRUNCATE users;\n"}, {("ops/session.rc", "unknown-statement", 1)}, analyze=False)


def psqlrc_cd(s):
    r"""Red team R71 F5: psql runs its start-up file before it opens the files it is given, so a
    `\cd db` there makes `psql -f release.sql` run db/release.sql (checked with psql 15). pgfence
    does not follow where the files then are: a file of SQL the pull request edits is unknown."""
    base = {"deploy.sh": "#!/bin/sh\nset -e\nexport PSQLRC=ops/rc\npsql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f release.sql\n",
            "ops/rc": "\\cd db\n", "release.sql": "SELECT 1;\n", "db/release.sql": "SELECT 1;\n",
            "db/migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}
    gated(s, base, {"db/release.sql": "DROP TABLE users;\n"}, {("db/release.sql", "unknown-statement", 1)}, analyze=False)


PSQL_BASE = {".github/workflows/deploy.yml": "name: deploy\non: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                              "      - uses: actions/checkout@v4\n      - run: ./deploy.sh\n",
             "deploy.sh": "#!/bin/sh\nset -e\nexport PSQLRC=ops/psqlrc\npsql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/release.sql\n",
             "ops/psqlrc": "SET lock_timeout = '5s';\n", "db/release.sql": "SELECT 1;\n", "db/part.sql": "SELECT 1;\n",
             "db/migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n"}


def psql_settings(s):
    r"""A file psql runs (`psql -f`, its `\i`, the start-up file PSQLRC names) that opens with psql's
    own settings (`\set ON_ERROR_STOP on`, `\timing on`, `\pset pager off`, `\echo`, `\x`): psql
    carries them out and sends the server nothing (checked with psql 15), so they are no statement:
    no unparsable-statement, pr does not fail, and the CREATE INDEX CONCURRENTLY after them is read
    (it was one unparsable statement with them, exit 2)."""
    head = {"db/release.sql": "\\set ON_ERROR_STOP on\n\\timing on\n\\pset pager off\n\\echo 'migrating users'\n\\x auto\n"
                              "-- the index\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n\\i db/part.sql\n",
            "db/part.sql": "\\set VERBOSITY verbose\r\n\\qecho part\r\nCREATE INDEX CONCURRENTLY users_name ON users (name);\r\n",
            "ops/psqlrc": "\\set QUIET on\n\\set ECHO queries\n\\warn start\n\\conninfo\nSET lock_timeout = '5s';\n"}
    repository(s, PSQL_BASE, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    check(not any(f[1] in ("unparsable-statement", "unknown-statement") for f in found), f"psql's settings are no statement: {sorted(found)}")
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    files = {f["path"]: f for f in report["files"]}
    for path, line, tag in (("db/release.sql", 7, "CREATE INDEX CONCURRENTLY"), ("db/part.sql", 3, "CREATE INDEX CONCURRENTLY"),
                            ("ops/psqlrc", 5, "SET")):
        check(path in files, f"{path} is analysed: {sorted(files)}")
        statements = files[path].get("statements", [])
        lines = [st["span"]["start"]["line"] for st in statements if st.get("status") == "analyzed" and st.get("tag") == tag]
        check(lines == [line], f"{path}: one statement, the {tag} at line {line}: {lines}\n{json.dumps(statements)[:2000]}")
    s.all_requests_valid()
    # analyze of the checkout reads them so too, the included db/part.sql among them.
    proc = run(s, "analyze", "--no-config", "--format", "json", ".")
    check(proc.returncode == 0, f"analyze passes: exit {proc.returncode}\n{proc.stdout[:3000]}\n{proc.stderr}")
    analysed = {f["path"].removeprefix("./"): f for f in json.loads(proc.stdout)["files"]}
    for path in ("db/release.sql", "db/part.sql", "ops/psqlrc"):
        check(path in analysed and not analysed[path]["findings"], f"analyze: {path} read with no finding: {sorted(analysed)}\n{proc.stderr}")


def psql_settings_control(s):
    r"""Control for psql_settings: a meta-command that changes what runs stays what it was (a shell
    command `\!`, `\gexec`, a `\set` of a variable of the file's own, a backquoted shell command in
    `\echo`, and `\timing on \\ DROP TABLE users;`, whose `\\` makes the rest of its line SQL):
    each is a finding at its line and pr fails; only the leading `\set ON_ERROR_STOP on` is none."""
    head = {"db/release.sql": "\\set ON_ERROR_STOP on\n\\! rm -rf /srv/data\nSELECT 1;\n\\timing on \\\\ DROP TABLE users;\n"
                              "\\echo `psql -c 'DROP TABLE users'`\nSELECT 2;\n\\set tbl users\nSELECT 3;\n\\gexec\nSELECT 4;\n"}
    repository(s, PSQL_BASE, head)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode != 0, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    held = {line for path, rule, line in found if path == "db/release.sql" and rule in ("unparsable-statement", "unknown-statement")}
    for line in (2, 4, 5, 7, 9):
        check(line in held, f"db/release.sql:{line} is unparsable or unknown: {sorted(found)}")
    check(1 not in held, f"db/release.sql:1 (\\set ON_ERROR_STOP on) is no statement: {sorted(found)}")


def pool_hook_type_control(s):
    """A TypeScript interface declaring the pool's hook (`afterCreate?: (c: any, done: any) => void;`,
    Unleash's option.ts; the stranger review 84) runs nothing: no unknown there. The knexfile's pool
    with an afterCreate function beside it stays unknown at its line."""
    base = {"package.json": '{"name":"app","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
            "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
            "migrations/20240101000000_init.js": KNEX_INIT}
    head = {"src/types/option.ts": "export interface DbOptions {\n  pool?: {\n    min?: number;\n"
                                   "    afterCreate?: (connection: any, callback: any) => void;\n  };\n}\n",
            "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL,\n"
                           "  pool: { afterCreate: (conn, done) => conn.query('SET search_path = archive', done) } };\n"}
    repository(s, base, head)
    s.start_double()
    s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(not any(p == "src/types/option.ts" for p, _, _ in found), f"no finding at the type declaration: {found}")
    check(("knexfile.js", "unknown-statement", 2) in found, f"the knexfile's hook stays unknown: {found}")


SCENARIOS = {f.__name__: f for f in (typeorm_options, workflow_pgoptions, workflow_psql_inline, settings_too_large, model_hook_control, sequelize_connect_hooks,
                                          spelled_settings, psql_clients, psql_startup_file, psqlrc_named_file, psqlrc_unresolved,
                                          psqlrc_cd, psql_settings, psql_settings_control, pool_hook_type_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
