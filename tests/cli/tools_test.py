"""Issue #34, tools and noise: projects laid out as real ones are, each a git repository with its
migrations committed (so that the set's history is what `analyze` replays), analysed as their CI
would (`pgfence analyze --no-config --format json <folder>`, the default --unparsable error):

- popx (ory/kratos's persistence/sql/migrations/sql): of a version's files the .postgres. one,
  else the one without a dialect; cockroach/mysql/sqlite3 files skipped; every file in a
  transaction except the .autocommit ones;
- the original pgfence's suppressions (`-- pgfence: ignore drop-table`, its rule ids) hide what
  they hid, with one old-suppression-syntax note each;
- templates (pop's `{{ index .Options "Namespace" }}` in supabase/auth, `$%NAME%$`, a Flyway
  `${...}` standing for a clause) make the statements they break unknown to the lock model, not errors
  and exit 2, and hide nothing else;
- a Knex `knex.raw('now()')` taken as a value is no statement;
- Flyway locations common/, prod/, dev/ are one migration set ordered by version;
- sqlx's migrations/ without a Cargo.toml naming sqlx beside it, known by a `-- no-transaction` file.

    tools_test.py SUITE --binary build/bot/pgfence
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
    return condition


def repo(tmp, files):
    """A git repository holding `files` (path -> text), committed."""
    for path, text in files.items():
        full = os.path.join(tmp, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": tmp, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "migrations"]):
        subprocess.run(cmd, cwd=tmp, env=env, check=True)


def analyze(binary, cwd, *args):
    proc = subprocess.run([binary, "analyze", "--no-config", "--format", "json", *args], cwd=cwd,
                          capture_output=True, timeout=120)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = {"files": []}
        check(False, f"not JSON (exit {proc.returncode}): {proc.stdout[:300]!r} {proc.stderr[:300]!r}")
    return proc.returncode, report, proc.stderr.decode("utf-8", "replace")


def by_name(report):
    return {os.path.basename(f["path"]): f for f in report["files"]}


def rules_of(file):
    return [f["rule"] for f in file.get("findings", [])]


# ory/kratos's layout: one folder, a version's files per dialect, a generic one, and autocommit.
KRATOS = "persistence/sql/migrations/sql/"
V1 = "20210410175418000000_identities"
POPX = {
    KRATOS + V1 + ".postgres.up.sql":
        "CREATE TABLE identities (\n  id UUID NOT NULL PRIMARY KEY,\n  traits jsonb NOT NULL,\n"
        "  created_at timestamp NOT NULL\n);\n",
    KRATOS + V1 + ".postgres.down.sql": "DROP TABLE identities;\n",
    KRATOS + V1 + ".cockroach.up.sql":
        "CREATE TABLE identities (\n  id UUID NOT NULL PRIMARY KEY,\n  traits json NOT NULL,\n"
        "  created_at timestamp NOT NULL,\n  INDEX identities_created_at_idx (created_at)\n);\n",
    KRATOS + V1 + ".cockroach.down.sql": "DROP TABLE identities;\n",
    KRATOS + V1 + ".mysql.up.sql":
        "CREATE TABLE `identities` (\n  `id` CHAR(36) NOT NULL,\n  `traits` JSON NOT NULL,\n"
        "  PRIMARY KEY(`id`)\n) ENGINE=InnoDB;\n",
    KRATOS + V1 + ".mysql.down.sql": "DROP TABLE `identities`;\n",
    KRATOS + V1 + ".sqlite3.up.sql":
        "CREATE TABLE \"identities\" (\n\"id\" TEXT PRIMARY KEY,\n\"traits\" TEXT NOT NULL\n);\n",
    KRATOS + V1 + ".sqlite3.down.sql": "DROP TABLE \"identities\";\n",
    # The generic file of the same version: popx runs the .postgres. one instead.
    KRATOS + V1 + ".up.sql": "CREATE TABLE identities (id VARCHAR(36) PRIMARY KEY);\n",
    KRATOS + V1 + ".down.sql": "DROP TABLE identities;\n",
    # A generic migration: in a transaction, as pop runs every non-autocommit file.
    KRATOS + "20220301000000000000_identity_state.up.sql":
        "ALTER TABLE identities ADD COLUMN state VARCHAR(255) NOT NULL DEFAULT 'active';\n"
        "ALTER TABLE identities ADD COLUMN state_changed_at timestamp NULL;\n",
    KRATOS + "20220301000000000000_identity_state.down.sql":
        "ALTER TABLE identities DROP COLUMN state;\nALTER TABLE identities DROP COLUMN state_changed_at;\n",
    KRATOS + "20220301000001000000_identity_state_idx.postgres.autocommit.up.sql":
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS identities_state_idx ON identities (state);\n",
    KRATOS + "20220301000001000000_identity_state_idx.postgres.autocommit.down.sql":
        "DROP INDEX CONCURRENTLY IF EXISTS identities_state_idx;\n",
    KRATOS + "20220301000001000000_identity_state_idx.mysql.up.sql":
        "CREATE INDEX `identities_state_idx` ON `identities` (`state`);\n",
    KRATOS + "20220301000001000000_identity_state_idx.mysql.down.sql":
        "DROP INDEX `identities_state_idx` ON `identities`;\n",
}


def suite_popx_dialects(binary):
    with tempfile.TemporaryDirectory() as tmp:
        repo(tmp, POPX)
        code, report, stderr = analyze(binary, tmp, KRATOS)
        check(code == 0, f"popx: exit {code}, stderr {stderr[:400]}")
        files = by_name(report)
        for dialect in ("cockroach", "mysql", "sqlite3"):
            f = files.get(V1 + f".{dialect}.up.sql", {})
            check(f.get("skipped") and dialect in f.get("skip_reason", ""),
                  f"popx: the {dialect} file is skipped as another database's: {f.get('skip_reason')!r}")
            check(not f.get("findings"), f"popx: no finding on the {dialect} file: {rules_of(f)}")
        generic = files.get(V1 + ".up.sql", {})
        check(generic.get("skipped") and ".postgres." in generic.get("skip_reason", ""),
              f"popx: the version's generic file is skipped for its .postgres. one: {generic.get('skip_reason')!r}")
        pg = files.get(V1 + ".postgres.up.sql", {})
        check(not pg.get("skipped") and pg.get("tool") == "popx" and pg.get("wrapped_in_transaction"),
              f"popx: the .postgres. file is analysed, popx's, in a transaction: {pg.get('tool')} {pg.get('skip_reason')}")
        state = files.get("20220301000000000000_identity_state.up.sql", {})
        check(state.get("tool") == "popx" and state.get("wrapped_in_transaction"),
              f"popx: a file without a dialect runs in a transaction: {state.get('tool')} {state.get('wrapped_in_transaction')}")
        check(all(not s.get("notes") or not any("multi-statement query" in n for n in s["notes"])
                  for s in state.get("statements", [])), "popx: not golang-migrate's one query")
        idx = files.get("20220301000001000000_identity_state_idx.postgres.autocommit.up.sql", {})
        check(idx.get("tool") == "popx" and not idx.get("wrapped_in_transaction"),
              f"popx: the autocommit file runs outside a transaction: {idx.get('wrapped_in_transaction')}")
        check("concurrently-in-transaction" not in rules_of(idx), f"popx: autocommit CONCURRENTLY: {rules_of(idx)}")
        everything = [r for f in report["files"] for r in rules_of(f)]
        check("unparsable-statement" not in everything, f"popx: nothing unparsable: {everything}")


LEGACY = """-- Remove the appointments of the old booking system.
SET lock_timeout = '2s';
SET statement_timeout = '5min';

-- pgfence: ignore drop-table
DROP TABLE old_appointments;

-- pgfence-ignore: create-index-not-concurrent -- appointments has 40 rows
CREATE INDEX idx_appointments_status ON appointments (status);

-- pgfence: ignore add-column-constant-default
ALTER TABLE appointments ADD COLUMN archived boolean DEFAULT false;
"""


def suite_legacy_suppressions(binary):
    with tempfile.TemporaryDirectory() as tmp:
        repo(tmp, {"db/migrations/001_appointments.sql":
                   "CREATE TABLE appointments (id bigint PRIMARY KEY, status text);\n"
                   "CREATE TABLE old_appointments (id bigint PRIMARY KEY);\n",
                   "db/migrations/002_cleanup.sql": LEGACY})
        code, report, stderr = analyze(binary, tmp, "db/migrations/002_cleanup.sql")
        files = by_name(report)
        f = files.get("002_cleanup.sql", {})
        rules = rules_of(f)
        hidden = [s["rule"] for s in f.get("suppressed", [])]
        check("drop-table" in hidden and "drop-table" not in rules,
              f"legacy: `-- pgfence: ignore drop-table` hides drop-table: findings {rules}, suppressed {hidden}")
        check("create-index-without-concurrently" in hidden and "create-index-without-concurrently" not in rules,
              f"legacy: create-index-not-concurrent stands for create-index-without-concurrently: {rules} {hidden}")
        check("unused-suppression" not in rules, f"legacy: no unused-suppression for an old comment: {rules}")
        notes = [x for x in f.get("findings", []) if x["rule"] == "old-suppression-syntax"]
        check(len(notes) == 3 and all(x["risk"] == "LOW" for x in notes),
              f"legacy: one LOW old-suppression-syntax note per old comment: {[(x['rule'], x['risk']) for x in notes]}")
        messages = " | ".join(x["message"] for x in notes)
        check("-- pgfence-ignore: drop-table" in messages and
              "-- pgfence-ignore: create-index-without-concurrently" in messages,
              f"legacy: the notes say how to write each today: {messages}")
        check("hides nothing" in messages, f"legacy: a retired id is said to hide nothing: {messages}")
        check(code == 0, f"legacy: exit {code} {stderr[:300]}")


TEMPLATED = {
    # supabase/auth (pop's FileMigrator renders every file as a Go template).
    "migrations/20221003041349_add_mfa_schema.up.sql":
        "-- see: https://stackoverflow.com/questions/7624919/check-if-a-user-defined-type-already-exists-in-postgresql/48382296#48382296\n"
        "do $$ begin\n    create type factor_type as enum('totp', 'webauthn');\nexception\n"
        "    when duplicate_object then null;\nend $$;\n\n"
        "create table if not exists {{ index .Options \"Namespace\" }}.mfa_factors(\n"
        "       id uuid not null,\n       user_id uuid not null,\n       friendly_name text null,\n"
        "       constraint mfa_factors_pkey primary key(id),\n"
        "       constraint mfa_factors_user_id_fkey foreign key (user_id) references {{ index .Options \"Namespace\" }}.users(id) on delete cascade\n);\n"
        "comment on table {{ index .Options \"Namespace\" }}.mfa_factors is 'auth: stores metadata about factors';\n",
    "migrations/20221011041400_add_mfa_indexes.up.sql":
        "create unique index if not exists mfa_factors_user_friendly_name_unique on {{ index .Options \"Namespace\" }}.mfa_factors"
        " (friendly_name, user_id) where trim(friendly_name) <> '';\n",
    # A placeholder the deploy script substitutes.
    "db/schema/V3__audit.sql":
        "CREATE SCHEMA IF NOT EXISTS $%AUDIT_SCHEMA%$;\nCREATE TABLE $%AUDIT_SCHEMA%$.events (id bigint PRIMARY KEY);\n",
    # Flyway: a placeholder standing for a clause, where no identifier can stand.
    "src/main/resources/db/migration/V12__audit_event.sql":
        "CREATE TABLE audit_event (\n    id bigserial PRIMARY KEY,\n    what text NOT NULL\n) ${table_options};\n"
        "GRANT SELECT ON audit_event TO ${readonly_role};\n",
    # Not templates: an array literal, a Flyway placeholder where an identifier stands.
    "src/main/resources/db/migration/V13__defaults.sql":
        "SET lock_timeout = '2s';\nCREATE TABLE grid (cells int[] NOT NULL DEFAULT '{{0,0},{0,0}}');\n"
        "GRANT SELECT ON grid TO ${readonly_role};\n",
}


def suite_templated(binary):
    with tempfile.TemporaryDirectory() as tmp:
        repo(tmp, TEMPLATED)
        code, report, stderr = analyze(binary, tmp, "migrations", "db/schema", "src/main/resources/db/migration")
        check(code == 0, f"templated: exit {code} (templates are no error), stderr {stderr[:400]}")
        check("error:" not in stderr, f"templated: no error line: {stderr[:400]}")
        files = by_name(report)
        for name in ("20221003041349_add_mfa_schema.up.sql", "20221011041400_add_mfa_indexes.up.sql", "V3__audit.sql",
                     "V12__audit_event.sql"):
            f = files.get(name, {})
            statements = f.get("statements", [])
            templated = [st for st in statements if any(n.startswith("templated: not analysed") for n in st.get("notes", []))]
            # The statements a placeholder breaks are unknown to the lock model (never read as
            # safe), not unparsable; the others are analysed (the DO block of the first file).
            check(not f.get("skipped") and templated and all(st.get("status") == "unknown" for st in templated),
                  f"templated: {name} sets its templated statements aside as unknown: {[(st.get('status'), st.get('notes')) for st in statements]}")
            check(set(rules_of(f)) <= {"unknown-statement", "lock-timeout-missing", "statement-timeout-missing"},
                  f"templated: {name}: {rules_of(f)}")
        mfa = files.get("20221003041349_add_mfa_schema.up.sql", {})
        check(len(mfa.get("statements", [])) == 3 and mfa["statements"][0].get("status") == "analyzed",
              f"templated: the DO block before the templates is analysed: {[st.get('status') for st in mfa.get('statements', [])]}")
        # A placeholder in a comment, or in a statement that does not parse, hides nothing: the
        # DROP TABLE beside it is still a finding (a pull request could otherwise skip review).
        repo(tmp, {"db/migrations/0007_cleanup.sql": "-- {{ .Nothing }} $%X%$\nDROP TABLE users;\n",
                   "db/migrations/V14__cleanup.sql": "SELECT ${x} garbage here;\nDROP TABLE users;\n"})
        code, report, stderr = analyze(binary, tmp, "db/migrations/0007_cleanup.sql", "db/migrations/V14__cleanup.sql")
        hidden = by_name(report)
        for name in ("0007_cleanup.sql", "V14__cleanup.sql"):
            check("drop-table" in rules_of(hidden.get(name, {})), f"templated: a placeholder hid DROP TABLE in {name}: {rules_of(hidden.get(name, {}))}")
        # pop renders each file as a Go template first: an action in a comment may expand to a
        # statement, so the statement it follows is not read as safe.
        repo(tmp, {"pop/migrations/20240101000000_users.postgres.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
                   "pop/migrations/20240102000000_x.postgres.up.sql": 'SELECT 1; -- {{ "\\nDROP TABLE users;" }}\n'})
        code, report, stderr = analyze(binary, tmp, "pop/migrations")
        x = by_name(report).get("20240102000000_x.postgres.up.sql", {})
        check("unknown-statement" in rules_of(x), f"templated: an action in a comment is read as safe: {rules_of(x)}")
        plain = files.get("V13__defaults.sql", {})
        check(not plain.get("skipped") and len(plain.get("statements", [])) == 3,
              f"templated: an array literal and an identifier placeholder are SQL: {plain.get('skip_reason')!r}")


KNEX = {
    "migrations/20240102000000_events.js": """exports.up = function (knex) {
  return knex.schema.createTable('events', function (table) {
    table.increments('id').primary();
    table.timestamp('created_at').defaultTo(knex.raw('now()'));
  }).then(() => knex('events').update({ created_at: knex.raw('now()') }));
};

exports.down = function (knex) {
  return knex.schema.dropTable('events');
};
""",
    "migrations/20240103000000_seen_at.ts": """import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const now = knex.raw('CURRENT_TIMESTAMP');
  await knex('events').insert({ name: 'first', created_at: knex.raw('CURRENT_TIMESTAMP') });
  await knex.raw('ALTER TABLE events ADD COLUMN seen_at timestamptz');
  const result = await knex.raw('SELECT count(*) FROM events');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE events DROP COLUMN seen_at');
}
""",
}


def suite_knex_raw_value(binary):
    with tempfile.TemporaryDirectory() as tmp:
        repo(tmp, KNEX)
        code, report, stderr = analyze(binary, tmp, "migrations")
        check(code == 0, f"knex: exit {code}, stderr {stderr[:400]}")
        files = by_name(report)
        everything = [r for f in report["files"] for r in rules_of(f)]
        check("unparsable-statement" not in everything, f"knex: knex.raw as a value is no statement: {everything}")
        seen = files.get("20240103000000_seen_at.ts", {})
        sqls = [s.get("sql", "") for s in seen.get("statements", [])]
        check(any("ADD COLUMN seen_at" in s for s in sqls) and any("count(*)" in s for s in sqls),
              f"knex: awaited knex.raw calls are still statements: {sqls}")
        check(not any(s.strip() in ("now()", "CURRENT_TIMESTAMP") for s in sqls), f"knex: no value as a statement: {sqls}")


# ministryofjustice/hmpps-activities-management-api's layout: Flyway locations common/, prod/ and
# dev/ under one folder, configured together, so one history ordered by version.
FLYWAY = "src/main/resources/migrations/"
FLYWAY_LOCATIONS = {
    FLYWAY + "common/V1__create_activity.sql":
        "CREATE TABLE activity (\n    activity_id bigserial NOT NULL CONSTRAINT activity_pk PRIMARY KEY,\n"
        "    prison_code varchar(3) NOT NULL,\n    category_id bigint NOT NULL\n);\n"
        "CREATE INDEX idx_activity_category_id ON activity (category_id);\n",
    FLYWAY + "dev/V1_1__seed_dev_activities.sql":
        "INSERT INTO activity (prison_code, category_id) VALUES ('PVI', 1), ('MDI', 2);\n",
    FLYWAY + "prod/V2__drop_category_index.sql":
        "SET lock_timeout = '2s';\nDROP INDEX idx_activity_category_id;\n",
    FLYWAY + "common/V3__activity_summary.sql":
        "ALTER TABLE activity ADD COLUMN summary text;\n",
}


def suite_flyway_locations(binary):
    with tempfile.TemporaryDirectory() as tmp:
        repo(tmp, FLYWAY_LOCATIONS)
        code, report, stderr = analyze(binary, tmp, FLYWAY + "prod/V2__drop_category_index.sql")
        history = report.get("summary", {}).get("history") or {}
        check(history.get("files") == 2,
              f"flyway: common/V1 and dev/V1_1 are replayed before prod/V2, not common/V3: {history}")
        f = by_name(report).get("V2__drop_category_index.sql", {})
        drop = [s for s in f.get("statements", []) if s.get("sql", "").startswith("DROP INDEX")]
        relations = [lock.get("relation") for s in drop for lock in s.get("locks", [])]
        check("activity" in relations, f"flyway: DROP INDEX locks the table common/V1 made it on: {relations}")
        # The whole folder: one set, in version order across the locations.
        code, report, stderr = analyze(binary, tmp, FLYWAY)
        order = [os.path.basename(f["path"]) for f in report["files"]]
        check(order == ["V1__create_activity.sql", "V1_1__seed_dev_activities.sql", "V2__drop_category_index.sql",
                        "V3__activity_summary.sql"], f"flyway: the locations are one set by version: {order}")


# A Rust workspace: migrations/ at the root, beside the workspace's Cargo.toml (which names no
# sqlx), embedded by crates/server with sqlx::migrate!("../../migrations").
SQLX = {
    "Cargo.toml": "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    "crates/server/Cargo.toml": "[package]\nname = \"server\"\nversion = \"0.1.0\"\n\n[dependencies]\n"
                                "sqlx = { version = \"0.7\", features = [\"postgres\", \"migrate\"] }\n",
    "crates/server/src/main.rs": "fn main() { let _ = sqlx::migrate!(\"../../migrations\"); }\n",
    "migrations/20230101000000_users.sql":
        "CREATE TABLE users (\n    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email TEXT NOT NULL\n);\n",
    "migrations/20230102000000_users_email_idx.sql":
        "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n",
    # Written as if it ran alone: sqlx runs it in a transaction, where CONCURRENTLY fails.
    "migrations/20230103000000_users_name_idx.sql":
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (lower(email));\n",
    "migrations/20230104000000_sessions.up.sql":
        "CREATE TABLE sessions (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id BIGINT NOT NULL);\n"
        "ALTER TABLE sessions ADD CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
    "migrations/20230104000000_sessions.down.sql": "DROP TABLE sessions;\n",
}


def suite_sqlx_without_cargo(binary):
    with tempfile.TemporaryDirectory() as tmp:
        repo(tmp, SQLX)
        code, report, stderr = analyze(binary, tmp, "migrations")
        files = by_name(report)
        for name in ("20230101000000_users.sql", "20230103000000_users_name_idx.sql", "20230104000000_sessions.up.sql"):
            f = files.get(name, {})
            check(f.get("tool") == "sqlx" and f.get("wrapped_in_transaction"),
                  f"sqlx: {name} is sqlx's, in a transaction: {f.get('tool')} {f.get('wrapped_in_transaction')}")
        idx = files.get("20230103000000_users_name_idx.sql", {})
        found = [x for x in idx.get("findings", []) if x["rule"] == "concurrently-in-transaction"]
        check(found and "no-transaction" in json.dumps(found),
              f"sqlx: CONCURRENTLY in sqlx's transaction, fixed by -- no-transaction: {rules_of(idx)}")
        own = files.get("20230102000000_users_email_idx.sql", {})
        check(own.get("tool") == "sqlx" and "concurrently-in-transaction" not in rules_of(own),
              f"sqlx: the -- no-transaction file runs alone: {rules_of(own)}")


def suite_version_order_note(binary):
    """The "another order by version number than by name" note: not for a golang-migrate folder
    whose only disagreement is a version's .down before its .up; yes for 1_, 2_, 10_ with no tool."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n in ("000001", "000002"):
            files[f"gm/{n}_t{n}.up.sql"] = f"CREATE TABLE t{n} (id int);\n"
            files[f"gm/{n}_t{n}.down.sql"] = f"DROP TABLE t{n};\n"
        for n in ("1", "2", "10"):
            files[f"plain/{n}_p{n}.sql"] = f"CREATE TABLE p{n} (id int);\n"
        repo(tmp, files)
        code, report, stderr = analyze(binary, tmp, "gm")
        check(code == 0 and "another order" not in stderr,
              f"version order: no note for up/down pairs of one version: exit {code} {stderr[:400]}")
        code, report, stderr = analyze(binary, tmp, "plain")
        check("the files in plain/ are in another order by version number than by name" in stderr,
              f"version order: 10_ sorts before 2_ by name, and no tool is named: {stderr[:400]}")


SUITES = {
    "version_order_note": suite_version_order_note,
    "sqlx_without_cargo": suite_sqlx_without_cargo,
    "flyway_locations": suite_flyway_locations,
    "popx_dialects": suite_popx_dialects,
    "legacy_suppressions": suite_legacy_suppressions,
    "templated": suite_templated,
    "knex_raw_value": suite_knex_raw_value,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    SUITES[args.suite](os.path.abspath(args.binary))
    for f in failures:
        print("FAIL:", f)
    print(f"{args.suite}: {checks} checks, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
