"""What a project's runner sends that the tree's own names and markers must not hide (red team
R78a B6, B7, B8; each attack scenario fails on b5fc37b9's binary). Each builds a real git
repository, runs `pgfence pr` against the GitHub double and `analyze --ci --unknown block --max-risk
low` over the head checkout.

- graphile_*: graphile-migrate's .gmrc (graphile/migrate src/commands/_common.ts getSettings) runs its
  actions' shell commands and SQL files around the migrations (src/actions.ts), and puts its
  placeholders into every migration as text (src/migration.ts generatePlaceholderReplacement).
- driver_folder_*: a folder named after another database's driver beside pg/ is set aside, unless a
  psql command names it, a `find ... -exec psql` or a Flyway location recurses into it; a Temporal
  manifest.json does not hide a Flyway-named file from Flyway.
- *_seed: seed steps of prisma, Rails and supabase run SQL pgfence must read or call unknown.

    test_unseen_runners.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import check_run, pr_findings, repository, run  # noqa: E402

UNKNOWN = "unknown-statement"
GATE = ("analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", ".")


def analyze_gate(s):
    proc = run(s, *GATE)
    report = json.loads(proc.stdout) if proc.stdout.strip() else {"files": []}
    found = set()
    for f in report["files"]:
        path = f["path"][2:] if f["path"].startswith("./") else f["path"]
        found |= {(path, x["rule"], x["start"]["line"]) for x in f.get("findings") or []}
    return proc, report, found


def both_fail(s, base, head, pr_expected, analyze_expected):
    """pr fails with each of `pr_expected`; the gate over the head checkout fails with each of `analyze_expected`."""
    repository(s, base, head)
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(check_run(s).get("conclusion") == "failure", "check run fails")
    found = pr_findings(s)
    for e in pr_expected:
        check(e in found, f"pr reports {e}: {sorted(found)}\n{proc.stderr}")
    s.all_requests_valid()
    proc, _, found = analyze_gate(s)
    check(proc.returncode == 1, f"the gate fails: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr}")
    for e in analyze_expected:
        check(e in found, f"analyze reports {e}: {sorted(found)}")


GM_PACKAGE = '{"name":"app","scripts":{"migrate":"graphile-migrate migrate"},"devDependencies":{"graphile-migrate":"^1.4.1"}}\n'
GM_INIT = "--! Previous: -\n--! Hash: sha1:0\n\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
GM_BASE = {"package.json": GM_PACKAGE, "migrations/committed/000001.sql": GM_INIT,
           "migrations/current.sql": "-- Enter migration here\n", ".gmrc": '{\n  "placeholders": {},\n}\n'}


def graphile_command_action(s):
    """gmg: the pull request adds an afterAllMigrations shell command that drops users, with a
    harmless committed migration so that it runs (graphile-migrate 1.4 dropped users)."""
    gmrc = ('{\n  "placeholders": {},\n  "afterAllMigrations": [\n'
            '    { "_": "command", "command": "psql \\"$GM_DBURL\\" -c \'DROP TABLE IF EXISTS users\'" }\n  ],\n}\n')
    both_fail(s, GM_BASE, {".gmrc": gmrc, "migrations/committed/000002.sql": "--! Previous: sha1:0\n--! Hash: sha1:1\n\nSELECT 1;\n"},
              set(), {(".gmrc", UNKNOWN, 4)})
    check(any(p == ".gmrc" for p, _, _ in pr_findings(s)), f"pr names the .gmrc change: {sorted(pr_findings(s))}")


def graphile_placeholder(s):
    """gmg2: a placeholder already on the base; the pull request's migration uses it inside a
    string, where graphile-migrate puts `x'; DROP TABLE IF EXISTS users; SELECT 'ok` as text."""
    base = dict(GM_BASE)
    base[".gmrc"] = '{\n  // release notes\n  placeholders: {\n    ":AUDIT_NOTE": "x\'; DROP TABLE IF EXISTS users; SELECT \'ok",\n  },\n}\n'
    mig = "--! Previous: sha1:0\n--! Hash: sha1:1\n\nCOMMENT ON SCHEMA public IS ':AUDIT_NOTE';\n"
    both_fail(s, base, {"migrations/committed/000002.sql": mig},
              {("migrations/committed/000002.sql", UNKNOWN, 4)}, {("migrations/committed/000002.sql", UNKNOWN, 4)})


def graphile_module_settings(s):
    """.gmrc.js: settings a module computes; analyze calls it unknown at its line 1. (pr does not yet
    list an added .gmrc.js among the settings it reviews: left for a follow-up.)"""
    base = dict(GM_BASE)
    del base[".gmrc"]
    gmrc = "module.exports = { afterAllMigrations: [{ _: 'command', command: process.env.HOOK }] };\n"
    repository(s, base, {".gmrc.js": gmrc})
    proc, _, found = analyze_gate(s)
    check(proc.returncode == 1 and (".gmrc.js", UNKNOWN, 1) in found, f"the gate fails at .gmrc.js:1: {proc.returncode} {sorted(found)}")


def graphile_control(s):
    """A .gmrc with no actions, and a :NAME the settings do not name: nothing unknown."""
    base = dict(GM_BASE)
    base[".gmrc"] = '{\n  "placeholders": {":VISITOR": "app_visitor"},\n}\n'
    base["migrations/committed/000002.sql"] = "--! Previous: sha1:0\n--! Hash: sha1:1\n\nSELECT ':OTHER', '12:30'::time;\n"
    repository(s, base, {"README.md": "notes\n"})
    proc, _, found = analyze_gate(s)
    check(proc.returncode == 0, f"the gate passes: {proc.returncode}\n{sorted(found)}\n{proc.stderr}")


PG_SQLITE = {"db/pg/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
             "db/sqlite/cleanup.sql": "SELECT 1;\n"}


def driver_folder_psql(s):
    """ps6: a workflow runs `psql -f db/sqlite/cleanup.sql` (psql speaks only PostgreSQL); the pull
    request makes that file drop users. Analysed, whatever its folder is named."""
    base = dict(PG_SQLITE)
    base[".github/workflows/deploy.yml"] = ("on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - uses: actions/checkout@v4\n"
                                            "      - run: psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f db/sqlite/cleanup.sql\n")
    both_fail(s, base, {"db/sqlite/cleanup.sql": "DROP TABLE users;\n"},
              {("db/sqlite/cleanup.sql", "drop-table", 1)}, {("db/sqlite/cleanup.sql", "drop-table", 1)})


def driver_folder_find(s):
    """ps1: `find db/migrations -name '*.sql' -exec psql -f {} \\;` runs every file below; the pull
    request adds pg/ and sqlite/ below it, the sqlite one dropping users (it dropped users on PG)."""
    base = {"scripts/migrate.sh": "#!/bin/sh\nset -e\nfind db/migrations -name '*.sql' -exec psql -v ON_ERROR_STOP=1 -f {} \\;\n",
            "db/migrations/001_init.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\n"}
    both_fail(s, base, {"db/migrations/pg/002_noop.sql": "SELECT 1;\n", "db/migrations/sqlite/003_cleanup.sql": "DROP TABLE users;\n"},
              set(), {("db/migrations/sqlite/003_cleanup.sql", "drop-table", 1)})


FLYWAY = {"flyway.conf": "flyway.url=jdbc:postgresql://db/app\nflyway.locations=filesystem:db/migration\n",
          "db/migration/V1__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"}


def driver_folder_flyway(s):
    """fw2: Flyway scans its location recursively; the pull request adds pg/ and sqlite/ below it."""
    both_fail(s, FLYWAY, {"db/migration/pg/V2__noop.sql": "SELECT 1;\n", "db/migration/sqlite/V3__cleanup.sql": "DROP TABLE users;\n"},
              set(), {("db/migration/sqlite/V3__cleanup.sql", "drop-table", 1)})


def driver_folder_flyway_base(s):
    """The same folders already on the base: the pull request changes the sqlite one's file, which
    Flyway runs; pr analyses it rather than setting it aside."""
    base = dict(FLYWAY)
    base.update({"db/migration/pg/V2__noop.sql": "SELECT 1;\n", "db/migration/sqlite/V3__cleanup.sql": "SELECT 1;\n"})
    both_fail(s, base, {"db/migration/sqlite/V3__cleanup.sql": "DROP TABLE users;\n"},
              {("db/migration/sqlite/V3__cleanup.sql", "drop-table", 1)}, {("db/migration/sqlite/V3__cleanup.sql", "drop-table", 1)})


def temporal_marker_flyway(s):
    """tm1: a Temporal manifest.json beside a Flyway-named file does not stop Flyway running it."""
    both_fail(s, FLYWAY, {"db/migration/versioned/v9/V9__cleanup.sql": "DROP TABLE users;\n",
                          "db/migration/versioned/v9/manifest.json":
                              '{"CurrVersion":"9","MinCompatibleVersion":"9","Description":"noop","SchemaUpdateCqlFiles":[]}\n'},
              {("db/migration/versioned/v9/V9__cleanup.sql", "drop-table", 1)},
              {("db/migration/versioned/v9/V9__cleanup.sql", "drop-table", 1)})


def driver_folder_control(s):
    """memos: store/migration/{postgres,sqlite}, run by the application's own migrator (no psql):
    the sqlite set stays set aside, and the gate passes; so does a psql loop over db/pg only."""
    base = {"store/migration/postgres/0.1/00__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
            "store/migration/sqlite/0.1/00__init.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT);\nDROP TABLE old;\n",
            "db/pg/001_init.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
            "db/sqlite/001_init.sql": "DROP TABLE orders;\n",
            "scripts/migrate.sh": "#!/bin/sh\nfor f in db/pg/*.sql; do psql -f \"$f\"; done\n"}
    repository(s, base, {"README.md": "notes\n"})
    proc, report, found = analyze_gate(s)
    check(proc.returncode == 0, f"the gate passes: {proc.returncode}\n{sorted(found)}\n{proc.stderr}")
    skipped = {f["path"].removeprefix("./") for f in report["files"] if f.get("skipped")}
    check({"store/migration/sqlite", "db/sqlite"} <= skipped, f"both sqlite sets set aside: {skipped}")


def prisma_seed(s):
    """pr1: `npx prisma db seed` in the deploy workflow runs package.json's prisma.seed command."""
    base = {"prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
            "prisma/migrations/20240101000000_init/migration.sql": 'CREATE TABLE "users" ("id" BIGINT NOT NULL PRIMARY KEY);\n',
            "package.json": '{"name":"app","prisma":{"seed":"node prisma/seed.js"},"devDependencies":{"prisma":"^5.22.0"}}\n',
            "prisma/seed.js": "console.log('seed');\n"}
    wf = ("name: deploy\non: {push: {branches: [main]}}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - uses: actions/checkout@v4\n      - run: npx prisma migrate deploy\n      - run: npx prisma db seed\n")
    both_fail(s, base, {".github/workflows/deploy.yml": wf}, set(), {(".github/workflows/deploy.yml", UNKNOWN, 9)})


def rails_seed(s):
    """rb1: a Procfile's release step runs db:seed, which loads db/seeds.rb."""
    base = {"Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\n",
            "db/structure.sql": "CREATE TABLE public.users (id bigint NOT NULL, email text);\n",
            "db/seeds.rb": "puts 'seed'\n"}
    both_fail(s, base, {"Procfile": "release: bin/rails db:migrate db:seed\nweb: bin/rails server\n"}, set(), {("Procfile", UNKNOWN, 1)})


def supabase_seed(s):
    """sb5: `supabase db push --include-seed` runs [db.seed] sql_paths: a named file is read as SQL,
    a glob is unknown at the command."""
    base = {"supabase/migrations/20240101000000_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
            "supabase/config.toml": 'project_id = "app"\n\n[db.seed]\nenabled = true\nsql_paths = ["./seed.sql", "./seeds/*.sql"]\n',
            "supabase/seed.sql": "INSERT INTO users VALUES (1, 'a@b');\n",
            ".github/workflows/deploy.yml": ("name: deploy\non: {push: {branches: [main]}}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
                                             "    steps:\n      - uses: actions/checkout@v4\n      - run: supabase link --project-ref $REF\n"
                                             "      - run: supabase db push --include-seed\n")}
    both_fail(s, base, {"supabase/seed.sql": "TRUNCATE users;\n"},
              {("supabase/seed.sql", "truncate", 1)},
              {("supabase/seed.sql", "truncate", 1), (".github/workflows/deploy.yml", UNKNOWN, 9)})


if __name__ == "__main__":
    sys.exit(main({f.__name__: f for f in (graphile_command_action, graphile_placeholder, graphile_module_settings, graphile_control,
                                           driver_folder_psql, driver_folder_find, driver_folder_flyway, driver_folder_flyway_base, temporal_marker_flyway,
                                           driver_folder_control, prisma_seed, rails_seed, supabase_seed)}))
