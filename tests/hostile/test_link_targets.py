"""Links inside the repository that a migration tool reads through (issue #53, red team h2 item 1):
a tool's migrations folder, one of its migrations or its settings file that is a symbolic link on
the base runs (or is read from) the link's target, so a pull request that adds or changes a file
under the target changes what the tool runs. Each scenario builds a real git repository with the
git CLI (the link committed on main, the pull request's commit on feature), runs `pgfence pr`
against the GitHub double and asserts that the check fails with the finding at the changed file.
A link that leaves the repository is never read through (link_outside). A link to a folder of
Markdown is kept where the tool's own selection loads its files (knex's loadExtensions: red team
R82b B9), and dropped where it does not (control_prose_link).

    test_link_targets.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_reach import check_run, pr_findings  # noqa: E402


def repository(s, base_files, base_links, head_files):
    """main: `base_files` and the links `base_links` (path -> link text); feature: `head_files` over it."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    for path, target in base_links.items():
        os.makedirs(os.path.dirname(os.path.join(s.repo, path)) or s.repo, exist_ok=True)
        os.symlink(target, os.path.join(s.repo, path))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "change")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def gated(s, base_files, base_links, head_files, expected):
    """`pgfence pr` fails (exit 1, check run a failure) with each of `expected` ((path, rule, line))."""
    repository(s, base_files, base_links, head_files)
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    body = check_run(s)
    check(body.get("conclusion") == "failure", f"check run conclusion: {body.get('conclusion')}")
    found = pr_findings(s)
    for e in expected:
        check(e in found, f"pr reports {e}: {sorted(found)}\n{proc.stderr}")
        check(e[1] in body["output"]["summary"] or e[1] in json.dumps(body["output"].get("annotations", [])),
              f"the check run names {e[1]}: {body['output']['summary']}")
    s.all_requests_valid()
    return proc


NPM_PACKAGE = '{"name":"app","private":true,"scripts":{"migrate":"node-pg-migrate up"},"dependencies":{"node-pg-migrate":"^7","pg":"^8"}}\n'
NPM_INIT = "-- Up Migration\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- Down Migration\nDROP TABLE users;\n"


def link_npm(s):
    """SYMNPM: `migrations -> db/sql` (node-pg-migrate's default folder is migrations/, read through
    the link); the pull request adds db/sql/1700000000001_drop.sql, which node-pg-migrate 9 runs."""
    gated(s, {"package.json": NPM_PACKAGE, "db/sql/1700000000000_init.sql": NPM_INIT}, {"migrations": "db/sql"},
          {"db/sql/1700000000001_drop.sql": "-- Up Migration\nDROP TABLE users;\n-- Down Migration\n"},
          {("db/sql/1700000000001_drop.sql", "drop-table", 2)})


def link_knex(s):
    """SYMKNEX: the knexfile's directory './migrations' is a link to db/knex_migrations; the pull
    request adds a migration there that drops users (knex 3 runs it)."""
    base = {"knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n",
            "package.json": '{"name":"app","private":true,"scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"^3","pg":"^8"}}\n',
            "db/knex_migrations/20240101000000_init.js":
                "exports.up = function (knex) { return knex.raw('CREATE TABLE users (id bigint PRIMARY KEY, email text)'); };\n"
                "exports.down = function () {};\n"}
    gated(s, base, {"migrations": "db/knex_migrations"},
          {"db/knex_migrations/20240102000000_drop.js":
               "exports.up = function (knex) { return knex.raw('DROP TABLE users'); };\nexports.down = function () {};\n"},
          {("db/knex_migrations/20240102000000_drop.js", "drop-table", 1)})


def link_goose_dir(s):
    """SYMDIR: goose's GOOSE_MIGRATION_DIR=migrations (.env) is a link to sql/; the pull request adds
    sql/002_drop.sql."""
    gated(s, {".env": "GOOSE_DRIVER=postgres\nGOOSE_MIGRATION_DIR=migrations\n",
              "sql/001_init.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n"},
          {"migrations": "sql"}, {"sql/002_drop.sql": "-- +goose Up\nDROP TABLE users;\n"},
          {("sql/002_drop.sql", "drop-table", 2)})


def link_flyway_repeatable(s):
    """FLYREPSYM: migrations/R__views.sql -> ../sql/views.sql; Flyway reads through the link and
    applies a repeatable again when its checksum changes. The pull request edits sql/views.sql."""
    views = "SET lock_timeout = '2s';\nCREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users;\n"
    gated(s, {"migrations/V1__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n", "sql/views.sql": views},
          {"migrations/R__views.sql": "../sql/views.sql"}, {"sql/views.sql": views + "TRUNCATE users CASCADE;\n"},
          {("sql/views.sql", "truncate-cascade", 3)})


def link_settings(s):
    """SEQCFGSYM: .sequelizerc names config/config.json and `config -> deploy`; the pull request
    edits deploy/config.json's migrationStorageTableName, which makes sequelize-cli run every
    merged migration again: a settings change."""
    base = {"package.json": '{"name":"app","private":true,"scripts":{"migrate":"sequelize-cli db:migrate --env production"},'
                            '"dependencies":{"sequelize":"^6","sequelize-cli":"^6","pg":"^8"}}\n',
            ".sequelizerc": "const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('db', 'migrations'), "
                            "'config': path.resolve('config', 'config.json') };\n",
            "deploy/config.json": '{\n  "production": {"use_env_variable": "DATABASE_URL", "dialect": "postgres"}\n}\n',
            "db/migrations/20240101000000-users.js":
                "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query(\"CREATE TABLE IF NOT EXISTS users "
                "(id bigint PRIMARY KEY, email text)\");\n  },\n  async down() {}\n};\n"}
    gated(s, base, {"config": "deploy"},
          {"deploy/config.json": '{\n  "production": {"use_env_variable": "DATABASE_URL", "dialect": "postgres", '
                                 '"migrationStorageTableName": "sequelize_meta_v2"}\n}\n'},
          {("deploy/config.json", "migration-tool-settings-changed", 2)})


def link_outside(s):
    """A migrations folder linking out of the repository is never read through: the pull request's
    files elsewhere are not taken for migrations by way of it, and pr reads nothing outside."""
    outside = os.path.join(s.tmp, "outside")
    write(os.path.join(outside, "1700000000009_x.sql"), "DROP TABLE users;\n")
    repository(s, {"package.json": NPM_PACKAGE, "db/sql/1700000000000_init.sql": NPM_INIT},
               {"migrations": outside, "db/other": "../../outside"}, {"notes/readme.txt": "hello\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(not pr_findings(s), f"no findings: {pr_findings(s)}")


KNEX_MD = {"knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./db/migrations", loadExtensions: [".md"] } };\n',
           "package.json": '{"name":"app","private":true,"scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
           "migrations/20230101000000_ok.js": 'exports.up = async function (k) { await k.raw("SELECT 1"); };\nexports.down = async function () {};\n',
           "docs/notes/intro.md": "# Notes\n"}
README_MD = 'exports.up = async function (k) { await k.schema.dropTable("users"); };\nexports.down = async function () {};\n'


def analyze_gate(s):
    """`analyze --ci --unknown block --max-risk low` over the checkout: (exit, {path: rules})."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", "."],
                          cwd=s.repo, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    return proc.returncode, {os.path.normpath(f["path"]): {x["rule"] for x in f["findings"]} for f in report["files"]}


def link_prose_load_extensions(s):
    """Red team R82b B9: `db/migrations -> ../docs/notes`, a folder of Markdown, but the knexfile's
    `loadExtensions: [".md"]` makes knex require its .md files as JavaScript (knex 3.1 ran the one
    the pull request adds, and dropped users). The link is kept and reported, in analyze and pr."""
    repository(s, KNEX_MD, {"db/migrations": "../docs/notes"}, {"docs/notes/20240101000000_readme.md": README_MD})
    code, files = analyze_gate(s)
    check(code == 1 and "migration-not-a-file" in files.get("db/migrations", set()), f"analyze reports the link: exit {code}, {files}")
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(check_run(s).get("conclusion") == "failure", "the check run fails")
    found = pr_findings(s)
    check(("docs/notes/20240101000000_readme.md", "unknown-statement", 1) in found, f"pr: the .md knex loads is unknown: {found}")
    s.all_requests_valid()


def link_prose_npm(s):
    """The same for node-pg-migrate, which loads every file of its folder whatever its extension
    (salsita/node-pg-migrate src/migrationLoader.ts): `migrations -> docs/notes`, a folder of Markdown."""
    repository(s, {"package.json": NPM_PACKAGE, "docs/notes/intro.md": "# Notes\n"}, {"migrations": "docs/notes"},
               {"docs/notes/1700000000001_readme.md": 'exports.up = (pgm) => { pgm.sql("DROP TABLE users"); };\n'})
    code, files = analyze_gate(s)
    check(code == 1 and "migration-not-a-file" in files.get("migrations", set()), f"analyze reports the link: exit {code}, {files}")
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = pr_findings(s)
    check(any(f[0] == "docs/notes/1700000000001_readme.md" and f[1] == "unknown-statement" for f in found), f"pr: the .md is unknown: {found}")
    s.all_requests_valid()


def control_prose_link(s):
    """The same link to a folder of Markdown with a knexfile that loads knex's default extensions:
    nothing runs through it, so it is not reported (daily-api's .agents/skills -> ../.claude/skills)."""
    base = {**KNEX_MD, "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./db/migrations" } };\n'}
    repository(s, base, {"db/migrations": "../docs/notes"}, {"docs/notes/20240101000000_readme.md": "# Readme\n\nNothing runs here.\n"})
    code, files = analyze_gate(s)
    check(code == 0 and "db/migrations" not in files, f"analyze passes, the link not reported: exit {code}, {files}")
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (link_npm, link_knex, link_goose_dir, link_flyway_repeatable, link_settings, link_outside,
                                           link_prose_load_extensions, link_prose_npm, control_prose_link)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
