"""What an approval or exemption binds to is what the migration tool runs: the content hash
`pgfence pr --upload` sends (and each file's sha256, which an exemption at FILE binds to) moves
when only what runs through a path changes: a symbolic link's target, a submodule's commit.
Real git repositories, the real binary, the governance receiver of tests/pr.

    test_binding.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pr"))
sys.path.insert(0, HERE)
from pr_test import check, git, main, start_receiver, upload, write  # noqa: E402
from test_what_runs import repository  # noqa: E402

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"


def begin(s, base_files, head_files):
    repository(s, base_files, head_files)
    s.base = git(s.repo, "rev-parse", "main")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    s.start_double()
    return start_receiver(s)


def push(s, message="push"):
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", message)
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def file_sha(envelope, path):
    return {f["path"]: f.get("sha256") for f in envelope["report"]["files"]}.get(path)


def link_target(s):
    """migrations/002_email.sql is a link to ../sql/002_email.sql: a push of only the target
    (CREATE INDEX CONCURRENTLY -> DROP TABLE) is new content, for the file and the whole."""
    r = begin(s, {"migrations/001_users.sql": USERS},
              {"sql/002_email.sql": "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n"})
    os.symlink("../sql/002_email.sql", os.path.join(s.repo, "migrations/002_email.sql"))
    push(s, "index via a link")
    upload(s, r)
    first = r.envelopes()[-1]
    check(file_sha(first, "migrations/002_email.sql") is not None, f"the link is a file of the report: {first['report']['files']}")
    write(os.path.join(s.repo, "sql/002_email.sql"), "DROP TABLE users CASCADE;\n")
    push(s, "only the target")
    upload(s, r)
    second = r.envelopes()[-1]
    check(file_sha(second, "migrations/002_email.sql") != file_sha(first, "migrations/002_email.sql"),
          "a rewrite of only the link's target keeps the link's sha256 (an exemption at the file survives it)")
    check(second["content_hash"] != first["content_hash"], "a rewrite of only the link's target keeps the content hash")
    # A change elsewhere leaves both alone.
    write(os.path.join(s.repo, "README.md"), "docs\n")
    push(s, "readme")
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] == second["content_hash"], "a README change moved the content hash")


def submodule_bump(s):
    """The migrations folder is a submodule: moving its commit is new content."""
    sub = os.path.join(s.tmp, "sub")
    os.makedirs(sub)
    git(sub, "init", "-q", "-b", "main")
    write(os.path.join(sub, "001_users.sql"), USERS)
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "s1")
    r = begin(s, {"README.md": "app\n"}, {"docs/notes.md": "notes\n"})
    git(s.repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "migrations")
    push(s, "migrations as a submodule")
    upload(s, r)
    first = r.envelopes()[-1]
    check(file_sha(first, "migrations") is not None, f"the submodule is a file of the report: {first['report']['files']}")
    write(os.path.join(sub, "002_drop.sql"), "DROP TABLE users;\n")
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "s2")
    git(os.path.join(s.repo, "migrations"), "pull", "-q", "origin", "main")
    push(s, "bump the submodule")
    upload(s, r)
    second = r.envelopes()[-1]
    check(file_sha(second, "migrations") != file_sha(first, "migrations"), "a submodule bump keeps its sha256")
    check(second["content_hash"] != first["content_hash"], "a submodule bump keeps the content hash")


def contexts(envelope, path):
    """Each statement's (start line, sql, context_sha256) in `path`."""
    for f in envelope["report"]["files"]:
        if f["path"] == path:
            return [(st["span"]["start"]["line"], st["sql"], st.get("context_sha256")) for st in f.get("statements", [])]
    return []


def context_at(envelope, path, line):
    found = [c for c in contexts(envelope, path) if c[0] == line]
    check(len(found) == 1, f"one statement at {path}:{line}: {contexts(envelope, path)}")
    return found[0]


SETTINGS = "SET lock_timeout = '2s';\nCREATE INDEX settings_v ON settings (v);\nSELECT 1;\n"


def exemption_context_sql(s):
    """An exemption at FILE:LINE binds the statement's context (the file before it, its
    transaction after it): a SET search_path added above the exempted CREATE INDEX moves it, the
    statement's text does not; a change after it outside any transaction leaves it."""
    path = "migrations/002_index.sql"
    r = begin(s, {"migrations/001_settings.sql": "CREATE TABLE settings (k text PRIMARY KEY, v text);\n"}, {path: SETTINGS})
    upload(s, r)
    first = context_at(r.envelopes()[-1], path, 2)
    check(first[2] is not None, f"the statement has a context_sha256: {first}")
    write(os.path.join(s.repo, path), SETTINGS.replace("SELECT 1", "SELECT 2"))
    push(s, "after the index only")
    upload(s, r)
    after = context_at(r.envelopes()[-1], path, 2)
    check(after == first, f"a change after the statement, outside a transaction, moved its context: {first} {after}")
    write(os.path.join(s.repo, path), SETTINGS.replace("'2s';", "'2s'; SET search_path = billing, public;"))
    push(s, "search_path above the index")
    upload(s, r)
    second = context_at(r.envelopes()[-1], path, 2)
    check(second[1] == first[1], f"the statement's own text is unchanged: {first} {second}")
    check(second[2] != first[2], "SET search_path added above the statement keeps its context_sha256")
    # In a transaction, what runs after it while its locks are held is its context too.
    write(os.path.join(s.repo, path), "BEGIN;\nCREATE INDEX settings_v ON settings (v);\nSELECT 1;\nCOMMIT;\n")
    push(s, "a transaction")
    upload(s, r)
    third = context_at(r.envelopes()[-1], path, 2)
    write(os.path.join(s.repo, path), "BEGIN;\nCREATE INDEX settings_v ON settings (v);\nSELECT pg_sleep(600);\nCOMMIT;\n")
    push(s, "a long statement after the index in its transaction")
    upload(s, r)
    check(context_at(r.envelopes()[-1], path, 2)[2] != third[2], "a change after the statement in its transaction keeps its context")


TS_ENV = ('import { MigrationInterface, QueryRunner } from "typeorm";\n'
          'const CLEANUP: string = process.env.CLEANUP_SQL ?? "SELECT 1";\n\n'
          'export class Cleanup1700000000000 implements MigrationInterface {\n'
          '    public async up(queryRunner: QueryRunner): Promise<void> {\n'
          '        await queryRunner.query(CLEANUP);\n'
          '    }\n\n'
          '    public async down(queryRunner: QueryRunner): Promise<void> {}\n'
          '}\n')


def exemption_context_orm(s):
    """An unknown ORM call at line 6 sends the constant defined on line 2: rewriting line 2's
    default (SELECT 1 -> DROP TABLE) moves the call's context_sha256, which its exemption binds."""
    path = "migrations/1700000000000-Cleanup.ts"
    r = begin(s, {"migrations/001_users.sql": USERS}, {path: TS_ENV})
    upload(s, r)
    first = context_at(r.envelopes()[-1], path, 6)
    write(os.path.join(s.repo, path), TS_ENV.replace('"SELECT 1"', '"DROP TABLE users CASCADE"'))
    push(s, "line 2 only")
    upload(s, r)
    second = context_at(r.envelopes()[-1], path, 6)
    check(second[1] == first[1], f"the call's text is unchanged: {first} {second}")
    check(second[2] is not None and second[2] != first[2], "a rewrite of line 2 keeps the call's context_sha256")


TS_HELPER = ('import { MigrationInterface, QueryRunner } from "typeorm";\n'
             'import { CLEANUP } from "../src/sql";\n\n'
             'export class Cleanup1700000000000 implements MigrationInterface {\n'
             '    public async up(queryRunner: QueryRunner): Promise<void> {\n'
             '        await queryRunner.query(CLEANUP);\n'
             '    }\n\n'
             '    public async down(queryRunner: QueryRunner): Promise<void> {}\n'
             '}\n')


def imported_constant(s):
    """queryRunner.query(CLEANUP), CLEANUP imported from ../src/sql (outside the migrations
    folder, not followed: unknown): a push of only src/sql.ts (SELECT 1 -> DROP TABLE) is new
    content, so an approval of the unknown call is voided."""
    path = "migrations/1700000000000-Cleanup.ts"
    r = begin(s, {"migrations/001_users.sql": USERS},
              {path: TS_HELPER, "src/sql.ts": 'export const CLEANUP = "SELECT 1";\n'})
    upload(s, r)
    first = r.envelopes()[-1]
    found = [(f["rule"], f["start"]["line"]) for x in first["report"]["files"] if x["path"] == path for f in x["findings"]]
    check(("unknown-statement", 6) in found, f"the call stays unknown: {found}")
    check("src/sql.ts" in [x["path"] for x in first["report"]["files"]],
          f"the imported module is a file of the report: {[x['path'] for x in first['report']['files']]}")
    write(os.path.join(s.repo, "src/sql.ts"), 'export const CLEANUP = "DROP TABLE users CASCADE";\n')
    push(s, "only the helper")
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] != first["content_hash"], "a push of only the imported module keeps the content hash")
    # An exemption at the call's line binds the module too (the statement's context).
    before, after = context_at(first, path, 6), context_at(r.envelopes()[-1], path, 6)
    check(after[1] == before[1] and after[2] != before[2], f"a push of only the imported module keeps the call's context: {before} {after}")


SEQ_RC = ("const path = require('path');\n"
          "module.exports = { 'migrations-path': path.resolve('db', 'migrations'), 'config': path.resolve('config', 'config.json') };\n")
SEQ_CONFIG = ('{\n  "production": {"use_env_variable": "DATABASE_URL", "dialect": "postgres",\n'
              '    "migrationStorageTableName": "SequelizeMeta"}\n}\n')
SEQ_USERS = ('module.exports = {\n  async up(queryInterface) {\n'
             '    await queryInterface.sequelize.query("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text)");\n'
             '  },\n  async down() {}\n};\n')
SEQ_INDEX = SEQ_USERS.replace("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text)", "CREATE INDEX users_email ON users (email)")


def sequelize_config(s):
    """sequelize-cli reads which migrations ran from config/config.json (migrationStorage,
    migrationStorageTableName: a new table re-runs every merged migration): it is a file the
    Sequelize migrations were read with (in the content hash), and a push changing its storage
    is a HIGH migration-tool-settings-changed finding at that line."""
    r = begin(s, {".sequelizerc": SEQ_RC, "config/config.json": SEQ_CONFIG,
                  "db/migrations/20240101000000-users.js": SEQ_USERS},
              {"db/migrations/20240201000000-email.js": SEQ_INDEX})
    upload(s, r)
    first = r.envelopes()[-1]
    paths = [x["path"] for x in first["report"]["files"]]
    check("config/config.json" in paths, f"config/config.json is a file of the report: {paths}")
    write(os.path.join(s.repo, "config/config.json"), SEQ_CONFIG.replace('"SequelizeMeta"', '"SequelizeMeta_v2"'))
    push(s, "only the storage table")
    proc = upload(s, r)
    second = r.envelopes()[-1]
    check(second["content_hash"] != first["content_hash"], "a push of only config/config.json keeps the content hash")
    found = [(f["rule"], f["start"]["line"], f["risk"]) for x in second["report"]["files"] if x["path"] == "config/config.json"
             for f in x["findings"]]
    check(("migration-tool-settings-changed", 3, "HIGH") in found, f"the storage change is a HIGH finding at its line: {found}")
    check(proc.returncode != 0, f"pr does not pass it: exit {proc.returncode}")


def sequelize_config_default(s):
    """The default layout (migrations/, config/config.json, no .sequelizerc): a push of only
    `"migrationStorage": "none"` (every migration re-runs on every deploy) is new content."""
    r = begin(s, {"config/config.json": SEQ_CONFIG, "migrations/20240101000000-users.js": SEQ_USERS},
              {"migrations/20240201000000-email.js": SEQ_INDEX})
    upload(s, r)
    first = r.envelopes()[-1]
    write(os.path.join(s.repo, "config/config.json"), SEQ_CONFIG.replace('"migrationStorageTableName": "SequelizeMeta"',
                                                                          '"migrationStorage": "none"'))
    push(s, "no storage")
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] != first["content_hash"], "a push of only migrationStorage keeps the content hash")


DATA_SOURCE = ('import "dotenv/config";\nimport { DataSource } from "typeorm";\n'
               'export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, '
               'migrations: ["src/migrations/*.ts"], migrationsTableName: process.env.MIGRATIONS_TABLE });\n')
TS_INDEX = ('import { MigrationInterface, QueryRunner } from "typeorm";\n'
            'export class Email1700000000001 implements MigrationInterface {\n'
            '    public async up(queryRunner: QueryRunner): Promise<void> {\n'
            '        await queryRunner.query("CREATE INDEX users_email ON users (email)");\n'
            '    }\n'
            '    public async down(queryRunner: QueryRunner): Promise<void> {}\n'
            '}\n')


def dotenv_settings(s):
    """A TypeORM DataSource that loads dotenv takes migrationsTableName from .env (a new table
    re-runs every migration, typeorm MigrationExecutor): a push of only .env is new content."""
    r = begin(s, {"src/data-source.ts": DATA_SOURCE, ".env": "MIGRATIONS_TABLE=migrations\n",
                  "src/migrations/1700000000000-Users.ts": TS_INDEX.replace("Email1700000000001", "Users1700000000000")
                  .replace("CREATE INDEX users_email ON users (email)", "CREATE TABLE users (id bigint PRIMARY KEY, email text)")},
              {"src/migrations/1700000000001-Email.ts": TS_INDEX})
    upload(s, r)
    first = r.envelopes()[-1]
    paths = [x["path"] for x in first["report"]["files"]]
    check(".env" in paths, f".env is a file of the report: {paths}")
    write(os.path.join(s.repo, ".env"), "MIGRATIONS_TABLE=migrations_v2\n")
    push(s, "only .env")
    upload(s, r)
    check(r.envelopes()[-1]["content_hash"] != first["content_hash"], "a push of only .env keeps the content hash")


SCENARIOS = {f.__name__: f for f in (link_target, submodule_bump, exemption_context_sql, exemption_context_orm, imported_constant,
                                     sequelize_config, sequelize_config_default, dotenv_settings)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
