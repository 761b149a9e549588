"""Issue #53 items 3 and 4: the migration tool's settings decide what runs. Flyway replaces
${name} placeholders as text (inside literals and comments too) with values from flyway.conf or
flyway.toml, and reads its migrations from flyway.locations. A pull request that puts SQL into a
placeholder's value, or appends a folder to the locations, must not come out clean; the settings
a migration was read with are part of what an approval binds to. Real git repositories and the
real binary.

    test_tool_settings.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ARGS = None


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}).stdout.strip()


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Repo:
    def __init__(self, binary, tmp, existing=None):
        self.binary = binary
        if existing is not None:  # a repository another harness made
            self.dir = existing
            return
        self.dir = os.path.join(tmp, "repo")
        os.makedirs(self.dir)
        git(self.dir, "init", "-q", "-b", "main")

    def commit(self, files, message="change"):
        for path, text in files.items():
            if text is None:
                os.remove(os.path.join(self.dir, path))
            else:
                write(os.path.join(self.dir, path), text)
        git(self.dir, "add", "-A")
        git(self.dir, "commit", "-qm", message)
        return git(self.dir, "rev-parse", "HEAD")

    def run(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        proc = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=120, cwd=self.dir, env=env)
        check(proc.returncode in (0, 1, 2), f"crash: exit {proc.returncode}\n{proc.stderr}")
        return proc

    def pr_json(self, base, head):
        proc = self.run("pr", "--repo", self.dir, "--base", base, "--head", head, "--ci", "--format", "json")
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"pr --format json printed no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc, report


def findings(report):
    return [(f["path"], f) for f in report["files"] for f in [dict(x, path=f["path"]) for x in f.get("findings", [])]]


def rules_of(report):
    return sorted({f["rule"] for _, f in findings(report)})


BASE_CONF = "flyway.locations=filesystem:db/migration\nflyway.placeholders.users_note=Accounts of the service\n"
V1 = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
V2 = "COMMENT ON TABLE users IS '${users_note}';\n"
INJECTED = "x'; DROP TABLE users CASCADE; --"


def placeholder_injection(binary, tmp):
    """A pull request that changes only flyway.conf: the placeholder's new value becomes SQL that
    drops the table. pr reports the settings change and the DROP TABLE in the migration that reads
    the placeholder, at the placeholder's line; analyze of the head checkout reports the DROP too."""
    r = Repo(binary, tmp)
    base = r.commit({"flyway.conf": BASE_CONF, "db/migration/V1__users.sql": V1, "db/migration/V2__note.sql": V2})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"flyway.conf": BASE_CONF.replace("Accounts of the service", INJECTED)})
    proc, report = r.pr_json(base, head)
    got = rules_of(report)
    check(proc.returncode == 1, f"pr --ci fails on the injected placeholder: exit {proc.returncode}, rules {got}\n{proc.stderr}")
    check("migration-tool-settings-changed" in got, f"the settings change is a finding: {got}")
    drops = [f for p, f in findings(report) if f["rule"] in ("drop-table", "truncate-cascade") or "DROP TABLE" in f.get("message", "")]
    v2 = [f for p, f in findings(report) if p == "db/migration/V2__note.sql"]
    check(any(f["rule"] == "drop-table" for f in v2), f"V2 runs DROP TABLE users with the new value: {v2}")
    check(all(f["start"]["line"] == 1 for f in v2), f"its findings stand at the placeholder line: {[(f['rule'], f['start']) for f in v2]}")
    settings = [f for p, f in findings(report) if p == "flyway.conf"]
    check(settings and settings[0]["start"]["line"] == 2 and settings[0]["risk"] == "HIGH",
          f"the finding stands at flyway.conf's changed line 2: {settings}")
    # analyze of the head checkout: Flyway's settings are read where Flyway reads them.
    proc = r.run("analyze", "--ci", "--output", "json", "db/migration")
    check(proc.returncode == 1, f"analyze --ci fails on the head: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    doc = json.loads(proc.stdout)
    check("drop-table" in rules_of(doc), f"analyze reports the DROP TABLE the value brings in: {rules_of(doc)}")
    # A placeholder without any value, inside a literal: unknown, never clean.
    git(r.dir, "checkout", "-q", "main")
    write(os.path.join(r.dir, "db/migration/V3__more.sql"), "COMMENT ON COLUMN users.email IS '${email_note}';\n")
    proc = r.run("analyze", "--ci", "--max-risk", "low", "--output", "json", "db/migration/V3__more.sql")
    doc = json.loads(proc.stdout)
    statuses = [s["status"] for f in doc["files"] if f["path"].endswith("V3__more.sql") for s in f["statements"]]
    check(statuses == ["unknown"] and "unknown-statement" in rules_of(doc) and proc.returncode == 1,
          f"a placeholder with no value in a literal is unknown: {statuses} {rules_of(doc)} exit {proc.returncode}")


def appended_location(binary, tmp):
    """A pull request that appends a folder to flyway.locations and adds a migration there (outside
    every default migration glob): pr analyses it as new and reports the settings change."""
    r = Repo(binary, tmp)
    base = r.commit({"flyway.conf": "flyway.locations=filesystem:db/migration\n", "db/migration/V1__users.sql": V1})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"flyway.conf": "flyway.locations=filesystem:db/migration,filesystem:ops/sql\n",
                     "ops/sql/V2__cleanup.sql": "DROP TABLE users;\n"})
    proc, report = r.pr_json(base, head)
    paths = [f["path"] for f in report["files"]]
    check("ops/sql/V2__cleanup.sql" in paths, f"the new location's migration is analysed: {paths}")
    got = rules_of(report)
    check("drop-table" in got and "migration-tool-settings-changed" in got and proc.returncode == 1,
          f"pr --ci fails with both findings: exit {proc.returncode}, rules {got}\n{proc.stderr}")
    # analyze from the checkout's top, given the first location: Flyway's locations are read too.
    proc = r.run("analyze", "--ci", "--output", "json", "db/migration")
    doc = json.loads(proc.stdout)
    check("ops/sql/V2__cleanup.sql" in [f["path"] for f in doc["files"]] and proc.returncode == 1,
          f"analyze --ci reads the location flyway.conf adds: exit {proc.returncode} {[f['path'] for f in doc['files']]}")


def settings_reader(binary, tmp):
    """The settings readers: flyway.toml placeholders and environments, a custom prefix and suffix,
    placeholderReplacement=false, a continued line in flyway.conf, and values that disagree."""
    cases = [
        # (settings files, migration, expected statuses, a rule that must fire or None)
        ({"flyway.toml": '[flyway]\nlocations = ["filesystem:sql"]\n[flyway.placeholders]\ntarget = "t2"\n'},
         "DROP TABLE ${target};\n", ["analyzed"], "drop-table"),
        ({"flyway.toml": '[flyway.placeholders]\ntarget = "t2"\n[environments.prod.flyway.placeholders]\ntarget = "t3"\n'},
         "DROP TABLE ${target};\n", ["unknown"], "unknown-statement"),
        ({"flyway.conf": "flyway.placeholderPrefix=#[\nflyway.placeholderSuffix=]\nflyway.placeholders.t=users\n"},
         "SELECT '${t}';\nDROP TABLE #[t];\n", ["analyzed", "analyzed"], "drop-table"),
        ({"flyway.conf": "flyway.placeholderReplacement=false\n"},
         "SELECT '${note}';\n", ["analyzed"], None),
        ({"flyway.conf": "flyway.placeholders.note=a\\\n  b'; TRUNCATE users; --\n"},
         "SELECT '${note}';\n", ["analyzed", "analyzed"], "truncate"),
        ({"flyway.conf": "flyway.placeholders.note=a\n", "conf/flyway.conf": "flyway.placeholders.note=b\n"},
         "-- ${note}\nSELECT 1;\n", ["unknown"], "unknown-statement"),
        ({}, "CREATE TABLE ${flyway:defaultSchema}.t (id int);\nSELECT '${flyway:user}';\n", ["analyzed", "unknown"],
         "unknown-statement"),
    ]
    for k, (settings, sql, statuses, rule) in enumerate(cases):
        d = os.path.join(tmp, f"case{k}")
        for path, text in settings.items():
            write(os.path.join(d, path), text)
        write(os.path.join(d, "sql/V1__x.sql"), sql)
        proc = subprocess.run([binary, "analyze", "--output", "json", "--enable", "truncate", "sql/V1__x.sql"],
                              capture_output=True, text=True, timeout=60, cwd=d)
        check(proc.returncode in (0, 1), f"case {k}: exit {proc.returncode}\n{proc.stderr}")
        doc = json.loads(proc.stdout)
        got = [s["status"] for f in doc["files"] for s in f["statements"]]
        check(got == statuses, f"case {k} ({settings}): statuses {got}, expected {statuses}")
        if rule:
            check(rule in rules_of(doc), f"case {k}: {rule} in {rules_of(doc)}")
    # Run from inside the migration folder (`analyze .`): the project's flyway.conf above it, up to
    # the repository's top, still gives the value.
    d = os.path.join(tmp, "inside")
    write(os.path.join(d, "flyway.conf"), "flyway.placeholders.target=users\n")
    write(os.path.join(d, "db/migration/V1__x.sql"), "DROP TABLE ${target};\n")
    git(d, "init", "-q")
    proc = subprocess.run([binary, "analyze", "--output", "json", "."], capture_output=True, text=True, timeout=60,
                          cwd=os.path.join(d, "db/migration"))
    doc = json.loads(proc.stdout)
    got = [s["status"] for f in doc["files"] for s in f["statements"]]
    check(got == ["analyzed"] and "drop-table" in rules_of(doc),
          f"analyze . inside db/migration reads ../../flyway.conf: statuses {got}, rules {rules_of(doc)}")


def other_tools(binary, tmp):
    """The other tools' settings whose folders pgfence does not follow yet: a pull request that moves
    diesel's migrations_directory, dbmate's DBMATE_MIGRATIONS_DIR, sqlx's migrate!() path or knex's
    migrations.directory, changing no migration, is a finding at each changed line."""
    r = Repo(binary, tmp)
    base = r.commit({"diesel.toml": '[migrations_directory]\ndir = "migrations"\n',
                     ".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=db/migrations\n",
                     "src/db.rs": 'pub fn migrator() -> Migrator {\n    sqlx::migrate!("./migrations")\n}\n',
                     "knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: { directory: './migrations' },\n};\n",
                     "migrations/0001_init.sql": V1})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"diesel.toml": '[migrations_directory]\ndir = "ops/unreviewed"\n',
                     ".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=ops/unreviewed\n",
                     "src/db.rs": 'pub fn migrator() -> Migrator {\n    sqlx::migrate!("./ops/unreviewed")\n}\n',
                     "knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: { directory: './ops/unreviewed' },\n};\n"})
    proc, report = r.pr_json(base, head)
    at = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "migration-tool-settings-changed")
    check(at == [(".env", 2), ("diesel.toml", 2), ("knexfile.js", 3), ("src/db.rs", 2)],
          f"each changed setting is a finding at its line: {at}")
    check(proc.returncode == 1, f"pr --ci fails: exit {proc.returncode}\n{proc.stderr}")


# -- The other tools' folders, followed (item 1 of the settings-reach task) -------------------------
# Each tool's settings, as the project's own files set them, naming a folder outside every default
# migration glob. Key names and defaults: diesel_cli/src/config.rs ([migrations_directory] dir,
# relative to diesel.toml), knex lib/migrations/migrate/configuration-merger.js
# (migrations.directory), dbmate main.go (DBMATE_MIGRATIONS_DIR, .env), goose cmd/goose/main.go
# (GOOSE_MIGRATION_DIR), sqlx-macros migrate!("path") (relative to the crate), TypeORM's
# DataSource `migrations` globs, node-pg-migrate bin/node-pg-migrate.ts ("migrations-dir" in the
# config package's "db" section).
TOOL_SETTINGS = {
    "diesel.toml": '[print_schema]\nfile = "src/schema.rs"\n\n[migrations_directory]\ndir = "db/diesel"\n',
    "knexfile.js": "module.exports = {\n  client: 'pg',\n  seeds: { directory: './seeds' },\n"
                   "  migrations: { directory: './db/knex', tableName: 'knex_migrations' },\n};\n",
    ".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=db/dbmate\nGOOSE_MIGRATION_DIR=db/goose\n",
    "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n',
    "src/db.rs": 'pub async fn migrate(pool: &PgPool) {\n    sqlx::migrate!("./db/sqlx").run(pool).await.unwrap();\n}\n',
    "src/data-source.ts": 'import { DataSource } from "typeorm";\n\nexport const AppDataSource = new DataSource({\n'
                          '  type: "postgres",\n  migrations: ["src/db/typeorm/*.ts"],\n});\n',
    "config/default.json": '{\n  "db": {\n    "migrations-dir": "db/pgm"\n  }\n}\n',
}
# One migration per folder, each doing something pgfence must report (HIGH).
TOOL_MIGRATIONS = {
    "db/diesel/2024-02-01-000000_drop/up.sql": "DROP TABLE users;\n",
    "db/diesel/2024-02-01-000000_drop/down.sql": "SELECT 1;\n",
    "db/knex/20240201000000_idx.js": "exports.up = function (knex) {\n  return knex.raw('CREATE INDEX users_email ON users (email)');\n};\n"
                                     "exports.down = function (knex) {\n  return knex.raw('DROP INDEX users_email');\n};\n",
    "db/dbmate/20240201000000_truncate.sql": "-- migrate:up\nDROP TABLE orders;\n\n-- migrate:down\n",
    "db/goose/20240201000000_drop.sql": "-- +goose Up\nDROP TABLE invoices;\n",
    "db/sqlx/20240201000000_drop.sql": "DROP TABLE sessions;\n",
    "src/db/typeorm/1706745600000-Drop.ts": 'import { MigrationInterface, QueryRunner } from "typeorm";\n\n'
                                            "export class Drop1706745600000 implements MigrationInterface {\n"
                                            "    public async up(queryRunner: QueryRunner): Promise<void> {\n"
                                            '        await queryRunner.query("DROP TABLE payments");\n    }\n\n'
                                            "    public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n",
    "db/pgm/20240201000000_drop.sql": "DROP TABLE carts;\n",
}
TOOL_BASE = {"db/diesel/2024-01-01-000000_init/up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                                                         "CREATE TABLE orders (id bigint);\nCREATE TABLE invoices (id bigint);\n"
                                                         "CREATE TABLE sessions (id bigint);\nCREATE TABLE payments (id bigint);\n"
                                                         "CREATE TABLE carts (id bigint);\n",
             "db/diesel/2024-01-01-000000_init/down.sql": "SELECT 1;\n"}
# Which settings line decided each folder (the assumption pgfence must print).
TOOL_NOTES = ["diesel.toml:5 ([migrations_directory] dir) puts diesel's migrations in db/diesel",
              "knexfile.js:4 (migrations.directory) puts knex's migrations in db/knex",
              ".env:2 (DBMATE_MIGRATIONS_DIR) puts dbmate's migrations in db/dbmate",
              ".env:3 (GOOSE_MIGRATION_DIR) puts goose's migrations in db/goose",
              "src/db.rs:2 (migrate!) puts sqlx's migrations in db/sqlx",
              "src/data-source.ts:5 (migrations) puts typeorm's migrations in src/db/typeorm",
              "config/default.json:3 (migrations-dir) puts node-pg-migrate's migrations in db/pgm"]


def double_scenario(binary, tmp, base_files, head_files):
    """A repository on the GitHub double's harness (tests/pr/pr_test.py): base on main, the pull
    request's head on feature."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
    import pr_test  # noqa: E402
    s = pr_test.Scenario(ARGS, tmp)
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        if text is None:
            os.remove(os.path.join(s.repo, path))
        else:
            write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "change")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    return s


def with_double(s, body):
    try:
        s.start_double()
        body()
    finally:
        s.stop_double()


def followed_dirs(binary, tmp):
    """Every tool's settings name a folder no default glob covers; the pull request adds a migration
    in each. pr (against the GitHub double) analyses all of them, as migrations of their tool,
    prints which settings line decided each folder, and fails; the check run and the comment name
    them. analyze of the checkout, and analyze of one folder from the top, read them too."""
    s = double_scenario(binary, tmp, {**TOOL_SETTINGS, **TOOL_BASE}, TOOL_MIGRATIONS)

    def body():
        proc = s.run_pr("--format", "json")
        check(proc.returncode == 1, f"pr fails on the migrations the settings point at: exit {proc.returncode}\n{proc.stderr}")
        for note in TOOL_NOTES:
            check(note in proc.stderr, f"pr prints the assumption {note!r}:\n{proc.stderr}")
        comments = s.comments()
        check(len(comments) == 1, f"one comment: {comments}")
        for path in TOOL_MIGRATIONS:
            if path.endswith("down.sql"):
                continue
            check(path in comments[0]["body"], f"the comment names {path}:\n{comments[0]['body'][:3000]}")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        check(runs and runs[0]["body"].get("conclusion") == "failure", f"the check run fails: {[r['body'].get('conclusion') for r in runs]}")
        s.all_requests_valid()

    with_double(s, body)
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    by_path = {f["path"]: f for f in report["files"]}
    expect = {"db/diesel/2024-02-01-000000_drop/up.sql": ("diesel", "drop-table"),
              "db/dbmate/20240201000000_truncate.sql": ("dbmate", "drop-table"),
              "db/goose/20240201000000_drop.sql": ("goose", "drop-table"),
              "db/sqlx/20240201000000_drop.sql": ("sqlx", "drop-table"),
              "db/pgm/20240201000000_drop.sql": (None, "drop-table"),
              "db/knex/20240201000000_idx.js": (None, "create-index-without-concurrently"),
              "src/db/typeorm/1706745600000-Drop.ts": (None, "drop-table")}
    for path, (tool, rule) in expect.items():
        check(path in by_path, f"pr analyses {path}: {sorted(by_path)}")
        got = [f["rule"] for f in by_path[path]["findings"]]
        check(rule in got, f"{path}: {rule} in {got}")
        if tool:
            check(by_path[path].get("tool") == tool, f"{path} is read as {tool}'s: {by_path[path].get('tool')}")
    # The settings file that decided a migration's folder is bound to it, as flyway.conf is.
    check("diesel.toml" in by_path and ".env" in by_path and "src/db.rs" in by_path,
          f"the settings files are part of the report: {sorted(by_path)}")
    # History: the base's migrations in db/diesel were replayed (the tables exist, with data).
    up = by_path["db/diesel/2024-02-01-000000_drop/up.sql"]
    check(not any("locked only if it exists" in n or "not known from this migration" in n
                  for st in up["statements"] for n in st.get("notes", [])),
          f"users is known from the replayed base migrations: {[st.get('notes') for st in up['statements']]}")

    # analyze of the checkout: the assumptions are printed; of one folder, the others are read too.
    git(s.repo, "checkout", "-q", "feature")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    paths = [os.path.normpath(f["path"]) for f in doc["files"]]
    for path in expect:
        check(path in paths, f"analyze . reads {path}: {paths}")
    for note in TOOL_NOTES:
        check(note in proc.stderr, f"analyze prints the assumption {note!r}:\n{proc.stderr}")
    proc = r.run("analyze", "--ci", "--output", "json", "db/diesel")
    doc = json.loads(proc.stdout)
    paths = [os.path.normpath(f["path"]) for f in doc["files"]]
    check("db/dbmate/20240201000000_truncate.sql" in paths and "db/pgm/20240201000000_drop.sql" in paths,
          f"analyze db/diesel from the top reads the folders .env and config/default.json name: {paths}")
    check(proc.returncode == 1, f"analyze --ci fails: exit {proc.returncode}")


def computed_dirs(binary, tmp):
    """A pull request that points the folders at values computed when the tool runs (an
    environment variable the repository does not set, a JavaScript expression): each is an unknown
    statement at its settings line, naming the setting, and the run fails; analyze says the same."""
    head = {".env": "DATABASE_URL=postgres://localhost/app\nDBMATE_MIGRATIONS_DIR=${MIGRATIONS_DIR}\n",
            "knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: {\n    directory: process.env.KNEX_DIR,\n  },\n};\n",
            "src/data-source.ts": 'import { DataSource } from "typeorm";\n\nexport const AppDataSource = new DataSource({\n'
                                  '  type: "postgres",\n  migrations: [process.env.MIGRATIONS_GLOB + "/*.ts"],\n});\n',
            "diesel.toml": '[migrations_directory]\ndir = "/srv/migrations"\n'}
    s = double_scenario(binary, tmp, {"migrations/001_init.sql": V1, "diesel.toml": '[migrations_directory]\ndir = "migrations"\n'}, head)
    r = Repo(binary, tmp, existing=s.repo)
    proc, report = r.pr_json(s.base, s.head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    check(unknown == [(".env", 2), ("diesel.toml", 2), ("knexfile.js", 4), ("src/data-source.ts", 5)],
          f"an unknown at each computed setting's line: {unknown}\n{proc.stderr}")
    messages = {p: f["message"] for p, f in findings(report) if f["rule"] == "unknown-statement"}
    for path, setting in [(".env", "DBMATE_MIGRATIONS_DIR"), ("knexfile.js", "migrations.directory"),
                          ("src/data-source.ts", "migrations"), ("diesel.toml", "[migrations_directory] dir")]:
        check(setting in messages[path], f"{path}'s unknown names {setting}: {messages[path]}")
    check("outside the repository" in messages["diesel.toml"], f"an absolute folder is outside: {messages['diesel.toml']}")
    check(report["summary"]["unknown"] >= 4, f"never '0 unknown': {report['summary']}")
    check(proc.returncode == 1, f"pr --ci fails: exit {proc.returncode}")
    git(s.repo, "checkout", "-q", "feature")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    lines = sorted((os.path.normpath(f["path"]), x["start"]["line"]) for f in doc["files"] for x in f["findings"]
                   if x["rule"] == "unknown-statement")
    check(lines == [(".env", 2), ("diesel.toml", 2), ("knexfile.js", 4), ("src/data-source.ts", 5)],
          f"analyze reports them too: {lines}")
    check(proc.returncode == 1, f"analyze --ci fails: exit {proc.returncode}\n{proc.stderr}")


def history_settings(binary, tmp):
    """History replay reads Flyway's migrations with their settings: V1 creates ${tbl}, which
    flyway.conf sets to accounts. A pull request that drops accounts IF EXISTS finds it existing
    (no 'locked only if it exists'), as it does when V1 is analysed with it."""
    r = Repo(binary, tmp)
    base = r.commit({"flyway.conf": "flyway.locations=filesystem:db/migration\nflyway.placeholders.tbl=accounts\n",
                     "db/migration/V1__accounts.sql": "CREATE TABLE ${tbl} (id bigint PRIMARY KEY, note text);\n"})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"db/migration/V2__drop.sql": "DROP TABLE IF EXISTS accounts;\n"})
    proc, report = r.pr_json(base, head)
    v2 = [f for f in report["files"] if f["path"] == "db/migration/V2__drop.sql"]
    check(v2, f"V2 analysed: {[f['path'] for f in report['files']]}")
    notes = [n for st in v2[0]["statements"] for n in st.get("notes", [])]
    check(not any("only if it exists" in n or "not known from this migration" in n for n in notes),
          f"accounts is known from V1 replayed with flyway.conf's placeholder: {notes}")


DYNAMIC = ("SET lock_timeout = '2s';\nDO $$\nDECLARE tbl text;\nBEGIN\n"
           "  SELECT relname INTO tbl FROM pg_class WHERE relname LIKE 'tmp_%' LIMIT 1;\n"
           "  EXECUTE 'DROP TABLE ' || tbl;\nEND $$;\n")


def newcomer_messages(binary, tmp):
    """What a fresh user meets: an unknown Flyway statement whose locks are shown does not say they
    are not shown; a fix's `code span` is not broken across lines at 80 columns; a bad value in
    .pgfence.toml is quoted (escaped) in its error; --unknown warn and unknown = "warn" say how many
    unknown statements they let through (stderr, and the pull request's comment)."""
    d = os.path.join(tmp, "flyway")
    write(os.path.join(d, "sql/V1__x.sql"), "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text DEFAULT '${note}';\n")
    proc = subprocess.run([binary, "analyze", "--output", "json", "sql/V1__x.sql"], capture_output=True, text=True, timeout=60, cwd=d)
    doc = json.loads(proc.stdout)
    st = [x for f in doc["files"] for x in f["statements"] if x["status"] == "unknown"]
    msgs = [x["message"] for f in doc["files"] for x in f["findings"] if x["rule"] == "unknown-statement"]
    check(st and st[0].get("locks") and msgs, f"the placeholder statement is unknown with its locks shown: {st} {msgs}")
    check(all("locks are not shown" not in m for m in msgs), f"the message does not say its shown locks are not shown: {msgs}")

    # The compact text report at 80 columns: every line of a fix holds whole code spans.
    write(os.path.join(tmp, "dyn/002_dynamic.sql"), DYNAMIC)
    proc = subprocess.run([binary, "analyze", "--output", "compact", os.path.join(tmp, "dyn/002_dynamic.sql")],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "80"})
    lines = proc.stdout.splitlines()
    fixes = [k for k, line in enumerate(lines) if line.lstrip().startswith("fix:")]
    check(fixes, f"a fix is printed:\n{proc.stdout}")
    for k in fixes:
        para = [lines[k]]
        for line in lines[k + 1:]:
            if not line.startswith("  ") or line.lstrip().startswith(("fix:", "|")) or line.strip() == "":
                break
            para.append(line)
        check(all(len(line) <= 80 for line in para), f"the fix fits 80 columns: {para}")
        check(all(line.count("`") % 2 == 0 for line in para), f"no code span is broken across lines: {para}")

    # A bad configuration value is named, escaped.
    cfg = os.path.join(tmp, "cfg")
    write(os.path.join(cfg, ".pgfence.toml"), 'pg_version = 15\nmax_risk = "hgih\\u001b[2J"\n')
    write(os.path.join(cfg, "migrations/001.sql"), V1)
    proc = subprocess.run([binary, "analyze", "migrations"], capture_output=True, text=True, timeout=60, cwd=cfg)
    check(proc.returncode == 2, f"a bad value exits 2: {proc.returncode}")
    check('.pgfence.toml:2:1: max_risk must be one of low, medium, high, critical, not "hgih\\x1b[2J"' in proc.stderr
          and "\x1b" not in proc.stderr, f"the error names the key and the value, escaped: {proc.stderr!r}")

    # --unknown warn says what it let through.
    proc = subprocess.run([binary, "analyze", "--ci", "--unknown", "warn", os.path.join(tmp, "dyn/002_dynamic.sql")],
                          capture_output=True, text=True, timeout=60)
    check(proc.returncode == 0, f"--unknown warn passes: {proc.returncode}\n{proc.stderr}")
    check("1 statement pgfence could not see (unknown-statement) was not gated because of --unknown warn" in proc.stderr,
          f"--unknown warn says so: {proc.stderr}")
    proc = subprocess.run([binary, "analyze", os.path.join(tmp, "dyn/002_dynamic.sql")], capture_output=True, text=True, timeout=60)
    check("not gated" not in proc.stderr, f"without --unknown warn nothing is said: {proc.stderr}")
    # unknown = "warn" in the base's configuration: pr passes, and says so on stderr and in its comment.
    os.makedirs(os.path.join(tmp, "pr"))
    s = double_scenario(binary, os.path.join(tmp, "pr"), {"migrations/001_init.sql": V1, ".pgfence.toml": 'unknown = "warn"\n'},
                        {"migrations/002_dynamic.sql": DYNAMIC})

    def body():
        proc = s.run_pr(no_config=False)
        check(proc.returncode == 0, f"relaxed by the configuration: exit {proc.returncode}\n{proc.stderr}")
        check("1 statement pgfence could not see (unknown-statement) was not gated" in proc.stderr, f"stderr says so: {proc.stderr}")
        comments = s.comments()
        check(len(comments) == 1 and "was not gated because of `--unknown warn`" in comments[0]["body"],
              f"the comment says so: {[c['body'][-600:] for c in comments]}")
        s.all_requests_valid()

    with_double(s, body)


# -- Red team "a" (ORM scripts and tool settings), second round ----------------------------------
KNEX_USERS = ("exports.up = function (knex) {\n  return knex.schema.createTable('users', (t) => {\n    t.increments('id');\n"
              "    t.string('email');\n  });\n};\nexports.down = function (knex) {\n  return knex.schema.dropTable('users');\n};\n")
KNEX_DROP = "exports.up = function (knex) {\n  return knex.schema.dropTable('users');\n};\nexports.down = function () {};\n"


def package_json(*scripts):
    lines = ",\n".join(f'    "s{k}": "{cmd}"' for k, cmd in enumerate(scripts))
    return '{\n  "name": "app",\n  "scripts": {\n' + lines + '\n  },\n  "dependencies": { "knex": "^3.1.0" }\n}\n'


def knex_cli_flags(binary, tmp):
    """Red team s1: `knex migrate:latest --migrations-directory db/changes` in a package.json script
    moves knex's migrations to a folder no glob covers. pr analyses the folder's migrations and
    reports the script line; analyze of the checkout reads them. A flag that makes the tool read
    other settings (--knexfile, sequelize's --options-path, dbmate's --env-file) is unknown at its
    line (knex bin/cli.js, sequelize-cli yargs.js, dbmate main.go)."""
    r = Repo(binary, tmp)
    base = r.commit({"knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
                     "migrations/20240101000000_users.js": KNEX_USERS, "package.json": package_json("knex migrate:latest")})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"package.json": package_json("knex migrate:latest --migrations-directory db/changes"),
                     "db/changes/20240201000000_cleanup.js": KNEX_DROP})
    proc, report = r.pr_json(base, head)
    by_path = {f["path"]: [x["rule"] for x in f["findings"]] for f in report["files"]}
    check("drop-table" in by_path.get("db/changes/20240201000000_cleanup.js", []),
          f"pr analyses the folder the script names: {by_path}\n{proc.stderr}")
    check("migration-tool-settings-changed" in by_path.get("package.json", []) and proc.returncode == 1,
          f"the script line is a finding and pr fails: {by_path} exit {proc.returncode}")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    paths = [os.path.normpath(f["path"]) for f in doc["files"]]
    check("db/changes/20240201000000_cleanup.js" in paths and proc.returncode == 1,
          f"analyze . reads the folder the script names: exit {proc.returncode} {paths}\n{proc.stderr}")
    # Flags that point the tool at settings pgfence does not read: unknown at their line.
    head = r.commit({"package.json": package_json("knex migrate:latest --knexfile config/db.js",
                                                  "sequelize-cli db:migrate --options-path ./opts.json",
                                                  "dbmate --env-file ops/.env up")})
    proc, report = r.pr_json(base, head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    # The migration the unfollowed flags would run is one that looks like a migration where no
    # setting pgfence read runs it (bot/unselected_migrations.hpp): unknown at its line 1 too.
    check(unknown == [("db/changes/20240201000000_cleanup.js", 1), ("package.json", 4), ("package.json", 5), ("package.json", 6)],
          f"each flag pgfence does not follow is unknown at its line: {unknown}\n{proc.stderr}")
    check(report["summary"]["unknown"] >= 3 and proc.returncode == 1, f"never '0 unknown': {report['summary']} exit {proc.returncode}")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    lines = sorted((os.path.normpath(f["path"]), x["start"]["line"]) for f in doc["files"] for x in f["findings"]
                   if x["rule"] == "unknown-statement")
    check(lines == [("package.json", 4), ("package.json", 5), ("package.json", 6)] and proc.returncode == 1,
          f"analyze reports them too: {lines} exit {proc.returncode}")


GOOSE_GO = ('package migrations\n\nimport (\n\t"context"\n\t"database/sql"\n\n\t"github.com/pressly/goose/v3"\n)\n\n'
            'func init() {\n\tgoose.AddMigrationContext(upCleanup, downCleanup)\n}\n\n'
            'func upCleanup(ctx context.Context, tx *sql.Tx) error {\n\t_, err := tx.ExecContext(ctx, "DROP TABLE users")\n\treturn err\n}\n\n'
            'func downCleanup(ctx context.Context, tx *sql.Tx) error { return nil }\n')
FLYWAY_JAVA = ("package db.migration;\n\nimport java.sql.Statement;\nimport org.flywaydb.core.api.migration.BaseJavaMigration;\n"
               "import org.flywaydb.core.api.migration.Context;\n\npublic class V2__Cleanup extends BaseJavaMigration {\n"
               "    @Override\n    public void migrate(Context context) throws Exception {\n"
               "        try (Statement st = context.getConnection().createStatement()) {\n"
               '            st.execute("DROP TABLE users");\n        }\n    }\n}\n')


def code_migrations(binary, tmp):
    """Red team s12, s13: a goose migration written in Go (goose.AddMigrationContext in
    migrations/00003_cleanup.go) and a Flyway one in Java (V2__Cleanup extends BaseJavaMigration)
    run SQL pgfence does not read. Each is an unknown statement at its registration, in pr (the
    pull request adds it) and in analyze (it is in the folder); a Go or Java file that registers no
    migration is not."""
    r = Repo(binary, tmp)
    base = r.commit({"migrations/00001_users.sql": "-- +goose Up\n" + V1,
                     "src/main/resources/db/migration/V1__users.sql": V1,
                     "cmd/app/main.go": "package main\n\nfunc main() {}\n"})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"migrations/00003_cleanup.go": GOOSE_GO, "src/main/java/db/migration/V2__Cleanup.java": FLYWAY_JAVA,
                     "migrations/00004_helpers.go": "package migrations\n\nfunc helper() {}\n",
                     "src/main/java/app/App.java": "package app;\n\npublic class App {}\n"})
    expected = [("migrations/00003_cleanup.go", 11), ("src/main/java/db/migration/V2__Cleanup.java", 7)]
    proc, report = r.pr_json(base, head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    check(unknown == expected, f"each migration in code is unknown at its registration: {unknown}\n{proc.stderr}")
    check(report["summary"]["unknown"] == 2 and proc.returncode == 1, f"never '0 unknown': {report['summary']} exit {proc.returncode}")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    lines = sorted((os.path.normpath(f["path"]), x["start"]["line"]) for f in doc["files"] for x in f["findings"]
                   if x["rule"] == "unknown-statement")
    check(lines == expected and proc.returncode == 1, f"analyze . reports them too: {lines} exit {proc.returncode}\n{proc.stderr}")
    proc = r.run("analyze", "--ci", "--output", "json", "migrations")
    doc = json.loads(proc.stdout)
    lines = sorted((os.path.normpath(f["path"]), x["start"]["line"]) for f in doc["files"] for x in f["findings"]
                   if x["rule"] == "unknown-statement")
    check(lines == expected[:1] and proc.returncode == 1, f"analyze of the goose folder: {lines} exit {proc.returncode}")


def knexfile_computed(binary, tmp):
    """Red team s17: the knexfile's `migrations` is a value pgfence cannot fold (an object read
    from config/dirs.json with require) that adds a folder of knex migrations. It is unknown at its
    line in analyze of the checkout (and in pr, which also reports the changed knexfile)."""
    r = Repo(binary, tmp)
    base = r.commit({"knexfile.js": "module.exports = {\n  development: { client: 'pg' },\n  production: { client: 'pg' },\n};\n",
                     "migrations/20240101000000_users.js": KNEX_USERS, "package.json": package_json("knex migrate:latest")})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"config/dirs.json": '{ "directory": ["./migrations", "./db/prod"] }\n',
                     "knexfile.js": "const shared = { client: 'pg' };\nconst dirs = require('./config/dirs.json');\n\n"
                                    "module.exports = {\n  development: { ...shared },\n  production: { ...shared, migrations: dirs },\n};\n",
                     "db/prod/20240201000000_cleanup.js": KNEX_DROP})
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    lines = sorted((os.path.normpath(f["path"]), x["start"]["line"]) for f in doc["files"] for x in f["findings"]
                   if x["rule"] == "unknown-statement")
    check(lines == [("knexfile.js", 6)] and proc.returncode == 1, f"analyze: unknown at the knexfile's line 6: {lines} exit {proc.returncode}\n{proc.stderr}")
    proc, report = r.pr_json(base, head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    check(("knexfile.js", 6) in unknown and proc.returncode == 1, f"pr: unknown at the knexfile's line 6: {unknown} exit {proc.returncode}")


SEQ_USERS = ("'use strict';\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.createTable('users', "
             "{ id: { type: Sequelize.INTEGER, primaryKey: true }, email: Sequelize.STRING });\n  },\n  async down() {},\n};\n")
SEQ_DROP = "'use strict';\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.dropTable('users');\n  },\n  async down() {},\n};\n"


def sequelizerc(binary, tmp):
    """Red team s7: sequelize-cli reads `migrations-path` from .sequelizerc (sequelize/cli
    src/core/yargs.js loadRCFile); path.resolve('db', 'changes') is folded and the folder's
    migrations analysed in pr and analyze; a computed value is unknown at its line."""
    r = Repo(binary, tmp)
    rc = "const path = require('path');\nmodule.exports = {\n  config: path.resolve('config.js'),\n"
    base = r.commit({".sequelizerc": rc + "};\n", "migrations/20240101000000-users.js": SEQ_USERS})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({".sequelizerc": rc + "  'migrations-path': path.resolve('db', 'changes'),\n};\n",
                     "db/changes/20240201000000-cleanup.js": SEQ_DROP})
    proc, report = r.pr_json(base, head)
    by_path = {f["path"]: [x["rule"] for x in f["findings"]] for f in report["files"]}
    check("drop-table" in by_path.get("db/changes/20240201000000-cleanup.js", []) and proc.returncode == 1,
          f"pr analyses the folder .sequelizerc names: {by_path} exit {proc.returncode}\n{proc.stderr}")
    check("migration-tool-settings-changed" in by_path.get(".sequelizerc", []), f"the .sequelizerc change is a finding: {by_path}")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    paths = [os.path.normpath(f["path"]) for f in json.loads(proc.stdout)["files"]]
    check("db/changes/20240201000000-cleanup.js" in paths, f"analyze . reads the folder .sequelizerc names: {paths}")
    head = r.commit({".sequelizerc": rc + "  'migrations-path': path.resolve(process.env.MIGRATIONS),\n};\n"})
    proc, report = r.pr_json(base, head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    # ...and the migration in the folder it may name is unknown at its line 1 (bot/unselected_migrations.hpp).
    check(unknown == [(".sequelizerc", 4), ("db/changes/20240201000000-cleanup.js", 1)] and proc.returncode == 1,
          f"a computed migrations-path is unknown at its line: {unknown}")


TYPEORM_DB = ("const { DataSource } = require('typeorm');\n\nmodule.exports.default = new DataSource({\n  type: 'postgres',\n"
              "  url: process.env.DATABASE_URL,\n  migrations: [GLOBS],\n});\n")


def typeorm_any_file(binary, tmp):
    """Red team s8: the DataSource `typeorm migration:run -d db.js` runs is in db.js, named like no
    data source. Its `migrations` globs are read in any script that makes a DataSource: pr analyses
    the migrations of the glob the pull request adds and reports the changed line; analyze reads them."""
    r = Repo(binary, tmp)
    users = ("module.exports = class Users1700000000000 {\n  async up(queryRunner) {\n"
             "    await queryRunner.query('CREATE TABLE users (id serial PRIMARY KEY, email text)');\n  }\n};\n")
    drop = "module.exports = class Cleanup1700000000001 {\n  async up(queryRunner) {\n    await queryRunner.query('DROP TABLE users');\n  }\n};\n"
    base = r.commit({"db.js": TYPEORM_DB.replace("GLOBS", "'migrations/*.js'"), "migrations/1700000000000-Users.js": users,
                     "package.json": '{ "scripts": { "migrate": "typeorm migration:run -d db.js" } }\n'})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"db.js": TYPEORM_DB.replace("GLOBS", "'migrations/*.js', 'db/changes/*.js'"), "db/changes/1700000000001-Cleanup.js": drop})
    proc, report = r.pr_json(base, head)
    by_path = {f["path"]: [x["rule"] for x in f["findings"]] for f in report["files"]}
    check("drop-table" in by_path.get("db/changes/1700000000001-Cleanup.js", []) and proc.returncode == 1,
          f"pr analyses the glob db.js adds: {by_path} exit {proc.returncode}\n{proc.stderr}")
    check("migration-tool-settings-changed" in by_path.get("db.js", []), f"the db.js change is a finding: {by_path}")
    proc = r.run("analyze", "--ci", "--output", "json", ".")
    paths = [os.path.normpath(f["path"]) for f in json.loads(proc.stdout)["files"]]
    check("db/changes/1700000000001-Cleanup.js" in paths, f"analyze . reads the glob db.js names: {paths}")


TYPEORM_DROP_TS = ('import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class Cleanup1700000000001 implements MigrationInterface {\n'
                   '  async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query("DROP TABLE users");\n  }\n'
                   '  async down(): Promise<void> {}\n}\n')


def typeorm_data_source_file(binary, tmp):
    """Red team: `typeorm migration:run -d src/db/cli.ts`, where cli.ts builds no DataSource pgfence
    reads itself (TypeORM's CLI imports the file and runs the migrations of the DataSource it
    exports: typeorm src/commands/CommandUtils.ts loadDataSource). A factory spreading options from
    another module: the script line is unknown in pr (a pull request that adds a migration there,
    package.json unchanged) and in analyze. A file that re-exports an imported DataSource is
    followed: its migrations folder is analysed."""
    r = Repo(binary, tmp)
    pkg = '{\n  "name": "app",\n  "scripts": {\n    "migrate": "typeorm-ts-node-commonjs migration:run -d src/db/cli.ts"\n  }\n}\n'
    factory = {"src/db/options.ts": 'export const options = {\n  type: "postgres" as const,\n  migrations: ["src/db/changes/*.ts"],\n};\n',
               "src/db/factory.ts": 'import { DataSource } from "typeorm";\nimport { options } from "./options";\n\n'
                                    'export const makeDataSource = () => new DataSource({ ...options });\n',
               "src/db/cli.ts": 'import { makeDataSource } from "./factory";\n\nexport default makeDataSource();\n'}
    base = r.commit({"package.json": pkg, **factory, "src/db/changes/1700000000000-Users.ts":
                     TYPEORM_DROP_TS.replace("Cleanup1700000000001", "Users1700000000000").replace("DROP TABLE users", "CREATE TABLE users (id int)")})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({"src/db/changes/1700000000001-Cleanup.ts": TYPEORM_DROP_TS})
    proc, report = r.pr_json(base, head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    check(("package.json", 4) in unknown and report["summary"]["unknown"] >= 1 and proc.returncode == 1,
          f"the -d script line is unknown when its data source is not read: {unknown} {report['summary']} exit {proc.returncode}\n{proc.stderr}")
    message = [f["message"] for p, f in findings(report) if f["rule"] == "unknown-statement" and p == "package.json"][0]
    check("src/db/cli.ts" in message, f"the unknown names the data source file: {message}")
    proc = r.run("analyze", "--ci", "--max-risk", "low", "--output", "json", ".")
    doc = json.loads(proc.stdout)
    lines = sorted((os.path.normpath(f["path"]), x["start"]["line"]) for f in doc["files"] for x in f["findings"]
                   if x["rule"] == "unknown-statement")
    check(("package.json", 4) in lines and proc.returncode == 1, f"analyze reports it too: {lines} exit {proc.returncode}\n{proc.stderr}")
    # A data source file that re-exports the DataSource another module builds: followed.
    head = r.commit({"src/db/options.ts": None, "src/db/factory.ts": None,
                     "src/db/source.ts": 'import { DataSource } from "typeorm";\n\nexport const AppDataSource = new DataSource({\n'
                                         '  type: "postgres",\n  migrations: ["src/db/changes/*.ts"],\n});\n',
                     "src/db/cli.ts": 'import { AppDataSource } from "./source";\n\nexport default AppDataSource;\n',
                     "src/db/changes/1700000000002-Again.ts": TYPEORM_DROP_TS.replace("Cleanup1700000000001", "Again1700000000002")})
    proc, report = r.pr_json(base, head)
    by_path = {f["path"]: [x["rule"] for x in f["findings"]] for f in report["files"]}
    check("drop-table" in by_path.get("src/db/changes/1700000000002-Again.ts", []) and proc.returncode == 1,
          f"the followed data source's folder is analysed: {by_path} exit {proc.returncode}\n{proc.stderr}")
    check("unknown-statement" not in by_path.get("package.json", []), f"a followed data source is not unknown: {by_path}")


def spring_flyway(binary, tmp):
    """Red team s11: Spring Boot hands spring.flyway.* from application.properties / .yml to Flyway
    (spring-boot FlywayProperties). A pull request that adds classpath:db/hotfix to
    spring.flyway.locations and a migration there: pr analyses it and reports the settings line;
    analyze of the first folder reads it too. Settings pgfence does not apply (placeholders, in
    YAML) are unknown at their line."""
    r = Repo(binary, tmp)
    res = "src/main/resources/"
    base = r.commit({res + "application.properties": "spring.datasource.url=${DATABASE_URL}\n", res + "db/migration/V1__users.sql": V1})
    git(r.dir, "checkout", "-qb", "feature")
    head = r.commit({res + "application.properties": "spring.datasource.url=${DATABASE_URL}\n"
                                                     "spring.flyway.locations=classpath:db/migration,classpath:db/hotfix\n",
                     res + "db/hotfix/V2__cleanup.sql": "DROP TABLE users;\n"})
    proc, report = r.pr_json(base, head)
    by_path = {f["path"]: [x["rule"] for x in f["findings"]] for f in report["files"]}
    check("drop-table" in by_path.get(res + "db/hotfix/V2__cleanup.sql", []) and proc.returncode == 1,
          f"pr analyses the location Spring adds: {by_path} exit {proc.returncode}\n{proc.stderr}")
    check("migration-tool-settings-changed" in by_path.get(res + "application.properties", []), f"the settings line is a finding: {by_path}")
    proc = r.run("analyze", "--ci", "--output", "json", res + "db/migration")
    paths = [os.path.normpath(f["path"]) for f in json.loads(proc.stdout)["files"]]
    check(res + "db/hotfix/V2__cleanup.sql" in paths and proc.returncode == 1, f"analyze reads the location: {paths} exit {proc.returncode}")
    head = r.commit({res + "application.properties": None,
                     res + "application.yml": "spring:\n  flyway:\n    locations:\n      - classpath:db/migration\n"
                                              "      - classpath:db/hotfix\n    placeholders:\n      note: \"x'; DROP TABLE users; --\"\n"})
    proc, report = r.pr_json(base, head)
    unknown = sorted((p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement")
    check((res + "application.yml", 6) in unknown and proc.returncode == 1, f"Spring's placeholders are unknown at their line: {unknown}")
    check(res + "db/hotfix/V2__cleanup.sql" in [f["path"] for f in report["files"]], "the YAML list's location is followed")


def knex_folder_only(binary, tmp):
    """A Knex project whose only migrations lie where its knexfile puts them (db/changes, no folder
    called migrations, no .sql file): `analyze .` and `analyze --ci .` judge them and exit by their
    findings, with no error about the directory (a newcomer's first run exited 2)."""
    d = os.path.join(tmp, "knex")
    write(os.path.join(d, "knexfile.js"), "module.exports = { client: 'pg', migrations: { directory: 'db/changes' } };\n")
    write(os.path.join(d, "db/changes/20240101_notes.js"),
          "exports.up = async (knex) => {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n"
          "  await knex.schema.createTable('notes', (t) => { t.increments('id'); });\n};\nexports.down = async () => {};\n")
    for args in (["analyze", "--no-config", "."], ["analyze", "--no-config", "--ci", "."]):
        proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60, cwd=d)
        check(proc.returncode == 0 and "error:" not in proc.stderr, f"{args}: exit {proc.returncode}\n{proc.stderr}")
        check("db/changes/20240101_notes.js" in proc.stdout, f"{args}: the migration is judged:\n{proc.stdout}")
    # An empty directory with no settings is still an error, and says what it looked for.
    os.makedirs(os.path.join(tmp, "empty"), exist_ok=True)
    proc = subprocess.run([binary, "analyze", "--no-config", os.path.join(tmp, "empty")], capture_output=True, text=True, timeout=60)
    check(proc.returncode == 2 and "directory has no migration files" in proc.stderr, f"an empty folder: {proc.returncode} {proc.stderr}")


SCENARIOS = {"knex_folder_only": knex_folder_only, "placeholder_injection": placeholder_injection, "appended_location": appended_location,
             "settings_reader": settings_reader, "other_tools": other_tools, "followed_dirs": followed_dirs,
             "computed_dirs": computed_dirs, "history_settings": history_settings,
             "newcomer_messages": newcomer_messages, "knex_cli_flags": knex_cli_flags,
             "code_migrations": code_migrations, "knexfile_computed": knexfile_computed,
             "sequelizerc": sequelizerc, "typeorm_any_file": typeorm_any_file, "typeorm_data_source_file": typeorm_data_source_file,
             "spring_flyway": spring_flyway}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--binary", required=True)
    p.add_argument("--double")
    p.add_argument("--schemas")
    p.add_argument("--sarif-schema")
    args = p.parse_args()
    global ARGS
    args.binary = os.path.abspath(args.binary)
    ARGS = args
    if args.scenario in ("followed_dirs", "computed_dirs", "newcomer_messages") and not (args.double and args.schemas and os.path.isdir(args.schemas)):
        print(f"SKIP: {args.scenario} needs the GitHub double and its schemas")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        try:
            SCENARIOS[args.scenario](os.path.abspath(args.binary), tmp)
        except AssertionError as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
