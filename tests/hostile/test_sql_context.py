"""What a statement means depends on what is around it (red team): PL/pgSQL forms that run a query
for its rows, session settings that change how the rest of the script is lexed, text a migration
tool substitutes before the server sees it, and whether a statement's effects survive a savepoint.
Each scenario is a realistic pull request on a real git repository, run through `pgfence pr`
against the GitHub double and `pgfence analyze`.

    test_sql_context.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

BASE = ("CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
        "CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);\n"
        "CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint);\n")


def repo_with(s, head, base=None):
    """A repository whose main branch has 001_init.sql (and `base`'s files), and a feature branch
    that writes `head`'s files: the pull request."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    write(os.path.join(s.repo, "migrations/001_init.sql"), BASE)
    for path, text in (base or {}).items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for path, text in head.items():
        if text is None:
            os.remove(os.path.join(s.repo, path))
        else:
            write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def run(s, *cmd, cwd=None, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(env_extra or {})
    return subprocess.run([s.args.binary, *cmd], cwd=cwd or s.repo, env=env, capture_output=True, text=True, timeout=120)


def analyze_json(s, *paths, config=False):
    proc = run(s, "analyze", *([] if config else ["--no-config"]), "--format", "json", *paths)
    check(proc.returncode == 0, f"analyze --format json: exit {proc.returncode}\n{proc.stderr}")
    return json.loads(proc.stdout)


def findings(report, path_end):
    return [f for file in report["files"] if file["path"].endswith(path_end) for f in file["findings"]]


def rules_at(report, path_end):
    return sorted((f["start"]["line"], f["rule"]) for f in findings(report, path_end))


def pr_fails(s, why, **kwargs):
    s.start_double()
    proc = s.run_pr(**kwargs)
    check(proc.returncode == 1, f"pr fails ({why}): exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    check(len(runs) == 1 and runs[0]["body"].get("conclusion") == "failure", f"the check run fails ({why})")
    s.all_requests_valid()
    return proc


# --- 1. PL/pgSQL forms that run a query for its rows ---------------------------------------------

# A "cleanup" that looks like it only loops and opens cursors. PostgreSQL 15 runs each DELETE:
# FOR r IN DELETE ... RETURNING, OPEN c FOR WITH d AS (DELETE ...), a bound cursor's DELETE, and
# the EXECUTE forms of OPEN and RETURN QUERY (checked on a real server).
PLPGSQL = ("SET lock_timeout = '2s';\n"                                               # 1
           "SET statement_timeout = '60s';\n"                                         # 2
           "DO $$\n"                                                                  # 3
           "DECLARE r record; c refcursor;\n"                                         # 4
           "  stale CURSOR FOR DELETE FROM sessions RETURNING id;\n"                  # 5
           "BEGIN\n"                                                                  # 6
           "  FOR r IN DELETE FROM users RETURNING id LOOP\n"                         # 7
           "    RAISE NOTICE 'removed %', r.id;\n"                                    # 8
           "  END LOOP;\n"                                                            # 9
           "  OPEN c FOR WITH d AS (DELETE FROM audit RETURNING id) SELECT * FROM d;\n"  # 10
           "  CLOSE c;\n"                                                             # 11
           "  FOR r IN stale LOOP END LOOP;\n"                                        # 12
           "  OPEN c FOR EXECUTE 'DROP TABLE ' || 'audit';\n"                         # 13
           "END $$;\n"                                                                # 14
           "CREATE FUNCTION purge() RETURNS SETOF bigint LANGUAGE plpgsql AS $$\n"    # 15
           "BEGIN\n"                                                                  # 16
           "  RETURN QUERY EXECUTE 'TRUNCATE users';\n"                               # 17
           "END $$;\n"                                                                # 18
           "SELECT purge();\n")                                                       # 19

# Transaction control inside a DO block: read as a boundary, never a place where reading stops
# (supabase/storage batches its backfills with COMMIT in a DO block). What runs after it is judged.
COMMIT_IN_DO = ("SET lock_timeout = '2s';\n"
                "DO $$\n"
                "BEGIN\n"
                "  UPDATE users SET email = lower(email) WHERE id < 1000;\n"
                "  COMMIT;\n"
                "  DELETE FROM sessions;\n"
                "  ROLLBACK;\n"
                "END $$;\n")


def plpgsql_forms(s):
    repo_with(s, {"migrations/002_cleanup.sql": PLPGSQL, "migrations/003_batches.sql": COMMIT_IN_DO})
    report = analyze_json(s, "migrations/002_cleanup.sql", "migrations/003_batches.sql")
    got = rules_at(report, "002_cleanup.sql")
    for want in [(7, "delete-without-where"), (10, "delete-without-where"), (12, "delete-without-where"),
                 (13, "drop-table"), (19, "truncate")]:
        check(want in got, f"{want} found: {got}")
    batches = rules_at(report, "003_batches.sql")
    check((2, "unknown-statement") not in batches, f"COMMIT and ROLLBACK in a DO block are read: {batches}")
    check((6, "delete-without-where") in batches, f"the DELETE after the COMMIT is judged: {batches}")
    pr_fails(s, "the DELETEs inside FOR, OPEN and a bound cursor")


# EXECUTE of text holding several statements: PostgreSQL 15 runs every one, with or without USING
# and INTO (checked on a real server: `EXECUTE 'ANALYZE a; TRUNCATE a'` empties a). A
# "housekeeping" migration that looks like it refreshes statistics.
SEVERAL = ("SET lock_timeout = '2s';\n"                                                  # 1
           "SET statement_timeout = '5min';\n"                                           # 2
           "DO $$\n"                                                                     # 3
           "BEGIN\n"                                                                     # 4
           "  EXECUTE 'ANALYZE users; TRUNCATE audit';\n"                                # 5
           "  EXECUTE 'ANALYZE sessions; DELETE FROM sessions WHERE id > $1; DROP TABLE ' || 'audit' USING 0;\n"  # 6
           "END $$;\n"                                                                   # 7
           "CREATE FUNCTION housekeeping() RETURNS void LANGUAGE plpgsql AS $$\n"        # 8
           "BEGIN\n"                                                                     # 9
           "  EXECUTE 'SELECT 1; DELETE FROM users';\n"                                  # 10
           "END $$;\n"                                                                   # 11
           "SELECT housekeeping();\n")                                                   # 12


def execute_several_statements(s):
    repo_with(s, {"migrations/002_housekeeping.sql": SEVERAL})
    report = analyze_json(s, "migrations/002_housekeeping.sql")
    got = rules_at(report, "002_housekeeping.sql")
    for want in [(5, "truncate"), (6, "drop-table"), (12, "delete-without-where")]:
        check(want in got, f"{want} found: {got}")
    pr_fails(s, "the TRUNCATE, DROP TABLE and DELETE behind an ANALYZE in EXECUTE's text")


# A variable that FOREACH, FETCH INTO or GET DIAGNOSTICS writes holds whatever ran last, not its
# declared constant: EXECUTE of it is dynamic SQL, unknown. PostgreSQL 15 runs the loop's
# 'DELETE FROM sessions' here, not the declared one with a WHERE clause.
OVERWRITTEN = ("SET lock_timeout = '2s';\n"                                                   # 1
               "DO $$\n"                                                                      # 2
               "DECLARE\n"                                                                    # 3
               "  q text := 'DELETE FROM sessions WHERE user_id IS NULL';\n"                  # 4
               "  c CURSOR FOR SELECT 'DELETE FROM audit';\n"                                 # 5
               "  f text := 'ANALYZE audit';\n"                                               # 6
               "BEGIN\n"                                                                      # 7
               "  FOREACH q IN ARRAY ARRAY['DELETE FROM sessions'] LOOP\n"                    # 8
               "    EXECUTE q;\n"                                                             # 9
               "  END LOOP;\n"                                                                # 10
               "  OPEN c;\n"                                                                  # 11
               "  FETCH c INTO f;\n"                                                          # 12
               "  EXECUTE f;\n"                                                               # 13
               "END $$;\n")                                                                   # 14


def overwritten_variables(s):
    repo_with(s, {"migrations/002_prune.sql": OVERWRITTEN})
    report = analyze_json(s, "migrations/002_prune.sql")
    got = findings(report, "002_prune.sql")
    unknown = [f for f in got if f["rule"] == "unknown-statement" and f["start"]["line"] == 2]
    check(len(unknown) == 1, f"the DO block is unknown: {[(f['start']['line'], f['rule']) for f in got]}")
    do = [st for file in report["files"] for st in file["statements"] if st["tag"] == "DO"]
    hidden = [n for st in do for n in st["notes"] if n.startswith("not visible to static analysis")]
    for line, var in ((9, "q"), (13, "f")):
        check(any(f"dynamic SQL (EXECUTE {var}) (line {line})" in n for n in hidden), f"the EXECUTE at line {line} is dynamic SQL: {hidden}")
    pr_fails(s, "EXECUTE of a variable FOREACH and FETCH overwrite")


# golang-migrate runs every file named <version>_<name>.(up|down).<any extension> (source/parse.go's
# Regex), and its postgres driver sends the text as SQL: a `.up.pgsql` "cleanup" drops a table.
GOLANG_BASE = {"db/migrations/000001_init.up.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint);\n",
               "db/migrations/000001_init.down.sql": "DROP TABLE accounts;\n"}
GOLANG_HEAD = {"db/migrations/000002_cleanup.up.pgsql": "SET lock_timeout = '2s';\nDROP TABLE accounts CASCADE;\n",
               "db/migrations/000002_cleanup.down.pgsql": "SELECT 1;\n"}


def golang_migrate_any_extension(s):
    repo_with(s, GOLANG_HEAD, base=GOLANG_BASE)
    report = analyze_json(s, "db/migrations")
    check((2, "drop-table") in rules_at(report, "000002_cleanup.up.pgsql"), f"the .up.pgsql is analysed: {report['files']}")
    pr_fails(s, "the DROP TABLE in a golang-migrate .up.pgsql")
    with open(s.summary) as f:
        summary = f.read()
    check("000002_cleanup.up.pgsql" in summary and "drop-table" in summary, f"the summary names the file and finding:\n{summary}")


# Functions from history that PostgreSQL runs on its own: an event trigger's, fired by every DDL
# statement (checked on PostgreSQL 15: the CREATE INDEX CONCURRENTLY below empties accounts), and
# a trigger's, run by the application's next INSERT. The pull request only "updates" them.
RUNS_ON_ITS_OWN = ("CREATE TABLE ddl_log (at timestamptz NOT NULL DEFAULT now(), tag text);\n"
                   "CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$\n"
                   "BEGIN\n  INSERT INTO ddl_log (tag) VALUES (tg_tag);\nEND $$;\n"
                   "CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION log_ddl();\n"
                   "CREATE FUNCTION users_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   "BEGIN\n  INSERT INTO audit (id, at) VALUES (NEW.id, now());\n  RETURN NEW;\nEND $$;\n"
                   "CREATE TRIGGER users_audit AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_audit_fn();\n")
DDL_LOG_V2 = ("SET lock_timeout = '2s';\n"                                                       # 1
              "SET statement_timeout = '5min';\n"                                                # 2
              "CREATE OR REPLACE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$\n"  # 3
              "BEGIN\n"                                                                          # 4
              "  DELETE FROM sessions;\n"                                                        # 5
              "END $$;\n")                                                                       # 6
INDEX_AFTER = "CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_idx ON sessions (user_id);\n"
AUDIT_V2 = ("SET lock_timeout = '2s';\n"                                                          # 1
            "-- audit v2: keep the audit function in step with the new account model\n"          # 2
            "CREATE OR REPLACE FUNCTION users_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$\n"  # 3
            "BEGIN\n"                                                                            # 4
            "  DELETE FROM audit;\n"                                                             # 5
            "  RETURN NEW;\n"                                                                    # 6
            "END $$;\n")                                                                         # 7


def functions_from_history_replaced(s):
    repo_with(s, {"migrations/003_ddl_log_v2.sql": DDL_LOG_V2, "migrations/004_index.sql": INDEX_AFTER,
                  "migrations/005_audit_v2.sql": AUDIT_V2},
              base={"migrations/002_logging.sql": RUNS_ON_ITS_OWN})
    report = analyze_json(s, "migrations")
    ddl = findings(report, "003_ddl_log_v2.sql") + findings(report, "004_index.sql")
    fired = [(f["start"]["line"], f["rule"]) for f in ddl if "event trigger log_ddl" in f["message"]]
    check((3, "delete-without-where") in fired, f"the CREATE OR REPLACE fires the new body at ddl_command_end: {fired}")
    index = [f for f in findings(report, "004_index.sql") if f["rule"] == "delete-without-where"]
    check(len(index) == 1 and "log_ddl()" in index[0]["message"], f"the next file's DDL fires it too: {index}")
    audit = [f for f in findings(report, "005_audit_v2.sql") if f["rule"] == "delete-without-where" and "users_audit_fn()" in f["message"]]
    check(len(audit) == 1 and audit[0]["start"]["line"] == 3 and audit[0]["risk"] in ("HIGH", "CRITICAL") and
          "every INSERT into users" in audit[0]["message"], f"the trigger's new body is judged where it is replaced: {audit}")
    pr_fails(s, "function bodies PostgreSQL runs on its own, replaced with ones that delete")


# --- 2. Settings that change how the rest of the script is read ----------------------------------

# With standard_conforming_strings off, 'a\'' ends at the second quote: the server runs the DROP
# TABLE (checked with PostgreSQL 15 and psql); a parser with it on reads one literal up to --'.
SCS_OFF = ("SET lock_timeout = '2s';\n"                                  # 1
           "SET standard_conforming_strings = off;\n"                    # 2
           "SELECT 'legacy \\''; DROP TABLE users; --' AS note;\n"      # 3
           "SET standard_conforming_strings = on;\n"                     # 4
           "SELECT 1;\n")                                                # 5

SET_CONFIG = ("SET lock_timeout = '2s';\n"                                                   # 1
              "SELECT set_config('standard_conforming_strings', 'off', false);\n"            # 2
              "SELECT 'legacy \\''; DROP TABLE audit; --' AS note;\n")                      # 3

# Valid to the server with the setting off, a syntax error to a parser with it on: unknown, never
# "unparsable" with a fix that sends the author to check the syntax (newcomer walk).
SCS_OFF_QUOTE = ("SET lock_timeout = '2s';\n"                                 # 1
                 "SET standard_conforming_strings = off;\n"                   # 2
                 "UPDATE users SET email = 'it\\'s fine' WHERE id = 1;\n")   # 3

PG_DUMP = ("SET statement_timeout = 0;\n"
           "SET client_encoding = 'UTF8';\n"
           "SET standard_conforming_strings = on;\n"
           "SET lock_timeout = '2s';\n"
           "CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n")


def lexing_settings(s):
    repo_with(s, {"migrations/002_legacy.sql": SCS_OFF, "migrations/003_config.sql": SET_CONFIG,
                  "migrations/004_dump.sql": PG_DUMP, "migrations/005_quote.sql": SCS_OFF_QUOTE})
    report = analyze_json(s, "migrations/002_legacy.sql", "migrations/003_config.sql", "migrations/004_dump.sql",
                          "migrations/005_quote.sql")
    check(rules_at(report, "005_quote.sql") == [(2, "unknown-statement"), (3, "unknown-statement")],
          f"a statement only the setting makes valid is unknown, not unparsable: {rules_at(report, '005_quote.sql')}")
    unknown = [f["start"]["line"] for f in findings(report, "002_legacy.sql") if f["rule"] == "unknown-statement"]
    check(unknown == [2, 3, 4], f"the SET and what follows it until it is on again are unknown: {rules_at(report, '002_legacy.sql')}")
    unknown = [f["start"]["line"] for f in findings(report, "003_config.sql") if f["rule"] == "unknown-statement"]
    check(unknown == [2, 3], f"set_config() of it too: {rules_at(report, '003_config.sql')}")
    # 003's set_config is still in force when the tool runs 004 on the same connection: 004's
    # statements are read otherwise until its SET standard_conforming_strings = on (a
    # client_encoding of UTF8 does not put the strings back), and the unknown names 003's line.
    carried = findings(report, "004_dump.sql")
    check([f["start"]["line"] for f in carried if f["rule"] == "unknown-statement"] == [1, 2, 3],
          f"003's setting reaches 004 until it is on again: {rules_at(report, '004_dump.sql')}")
    check(all("003_config.sql, line 2" in f["message"] for f in carried if f["rule"] == "unknown-statement"),
          f"the unknown names the file and line that set it: {[f['message'] for f in carried]}")
    alone = analyze_json(s, "migrations/004_dump.sql")
    check(not [f for f in findings(alone, "004_dump.sql") if f["rule"] == "unknown-statement"],
          f"pg_dump's SET client_encoding = 'UTF8' and standard_conforming_strings = on change nothing: {rules_at(alone, '004_dump.sql')}")
    proc = pr_fails(s, "statements read otherwise than pgfence parsed them")
    check("could not see" in proc.stderr, f"stderr says why: {proc.stderr}")


# The setting carried into the next file (red team): the tool runs the files of a deploy one
# after another on one connection (golang-migrate: database/postgres/postgres.go holds one
# sql.Conn), so a reviewed and suppressed SET in 002 makes 003's INSERT a DROP TABLE to the server
# while it reads as one harmless literal with the setting on. SET LOCAL ends with the file's
# transaction and does not carry.
LEGACY_IMPORT = ("SET lock_timeout = '2s';\n"
                 "-- pgfence-ignore: unknown-statement -- the legacy import below needs backslash escapes\n"
                 "SET standard_conforming_strings = off;\n")
SMUGGLED = ("SET lock_timeout = '2s';\n"
            "INSERT INTO audit (id, at) VALUES (1, now());\n"
            "INSERT INTO users (id, email) VALUES (1, 'a\\''); DROP TABLE users; --');\n")
LOCAL_ONLY = ("BEGIN;\n"
              "SET LOCAL standard_conforming_strings = off;\n"
              "COMMIT;\n")


def lexing_carried(s):
    repo_with(s, {"migrations/002_legacy_import.sql": LEGACY_IMPORT, "migrations/003_seed.sql": SMUGGLED,
                  "migrations/004_encoding.sql": "SET client_encoding = 'UTF8';\nSELECT 'b\\''; DELETE FROM audit; --';\n"})
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", "--format", "json", "migrations/002_legacy_import.sql",
               "migrations/003_seed.sql", "migrations/004_encoding.sql")
    report = json.loads(proc.stdout)
    unknown = [f for f in findings(report, "003_seed.sql") if f["rule"] == "unknown-statement"]
    check([f["start"]["line"] for f in unknown] == [1, 2, 3] and proc.returncode == 1,
          f"the next file's statements are unknown after the SET: {rules_at(report, '003_seed.sql')} exit {proc.returncode}")
    check(all("002_legacy_import.sql, line 3" in f["message"] for f in unknown), f"naming the SET's file and line: {unknown}")
    check(report["summary"]["unknown"] >= 3, f"never '0 unknown': {report['summary']}")
    check([f["start"]["line"] for f in findings(report, "004_encoding.sql") if f["rule"] == "unknown-statement"] == [1, 2],
          f"client_encoding = UTF8 does not put standard_conforming_strings back: {rules_at(report, '004_encoding.sql')}")
    proc = pr_fails(s, "the next file is read otherwise after a reviewed SET")
    check("could not see" in proc.stderr, f"stderr says why: {proc.stderr}")


def lexing_local_not_carried(s):
    repo_with(s, {"migrations/002_local.sql": LOCAL_ONLY, "migrations/003_seed.sql": SMUGGLED.replace("'a\\''); DROP TABLE users; --'", "'a'")})
    report = analyze_json(s, "migrations/002_local.sql", "migrations/003_seed.sql")
    check(not [f for f in findings(report, "003_seed.sql") if f["rule"] == "unknown-statement"],
          f"SET LOCAL ended with its transaction: {rules_at(report, '003_seed.sql')}")


# --- 4. Text the migration tool substitutes ------------------------------------------------------

# goose puts the deploy environment's value in (pressly/goose ENVSUB ON): TEST_USER_ID='0 OR true'
# deletes every session. The $$ of the DO block is sent as $ (mfridman/interpolate's escape).
GOOSE_ENVSUB = ("-- +goose Up\n"                                                    # 1
                "-- +goose ENVSUB ON\n"                                             # 2
                "SET lock_timeout = '2s';\n"                                        # 3
                "DELETE FROM sessions WHERE user_id = ${TEST_USER_ID:-0};\n"         # 4
                "-- +goose ENVSUB OFF\n"                                            # 5
                "SELECT '${not_substituted}' AS kept;\n"                            # 6
                "\n"
                "-- +goose Down\n"
                "SELECT 1;\n")


# A default for later sessions, merged earlier (red team R72 F2): ALTER DATABASE / ROLE ... SET
# standard_conforming_strings = off outlasts the connection and the deploy, so every later
# migration's sessions read 'a\'' as PostgreSQL does with it off (checked on PostgreSQL 15: a new
# session after ALTER DATABASE ... SET shows it off). The pull request's file names no setting.
LASTING = ("SET lock_timeout = '2s';\n"
           "-- pgfence-ignore: unknown-statement -- the legacy import needs backslash escapes\n"
           "ALTER ROLE app IN DATABASE app SET standard_conforming_strings = off;\n")


def lexing_lasting_default(s):
    repo_with(s, {"migrations/003_seed.sql": SMUGGLED}, base={"migrations/002_legacy.sql": LASTING})
    proc = pr_fails(s, "a merged ALTER ROLE ... SET reads the next pull request's file otherwise")
    check("could not see" in proc.stderr, f"stderr says why: {proc.stderr}")
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    notes = [a for a in runs[0]["body"]["output"].get("annotations", []) if a["path"] == "migrations/003_seed.sql"]
    check(sorted(a["start_line"] for a in notes) == [1, 2, 3], f"each of 003's statements is unknown: {notes}")
    check(notes and all("002_legacy.sql, line 3" in a["message"] for a in notes),
          f"naming the merged ALTER ROLE's file and line: {[a['message'] for a in notes]}")


# The same default put back by a later merged migration (ALTER DATABASE ... RESET): the next files
# read as written (a control: this passes without the feature too, and fails if the default
# were kept past its RESET).
RESET = "ALTER DATABASE app SET standard_conforming_strings = off;\nALTER DATABASE app RESET standard_conforming_strings;\n"


def lexing_lasting_reset(s):
    repo_with(s, {"migrations/004_seed.sql": "INSERT INTO audit (id, at) VALUES (2, now());\nSELECT 'b\\' AS note;\n"},
              base={"migrations/002_off.sql": RESET.split("\n")[0] + "\n", "migrations/003_reset.sql": RESET.split("\n")[1] + "\n"})
    s.start_double()
    proc = s.run_pr()
    runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
    notes = [a for a in runs[0]["body"]["output"].get("annotations", []) if a["path"] == "migrations/004_seed.sql"] if runs else None
    check(runs and not [a for a in notes if "unknown" in a.get("title", "") + a["message"]],
          f"after the RESET the file reads as written: {notes}\n{proc.stdout}")
    report = analyze_json(s, "migrations/001_init.sql", "migrations/002_off.sql", "migrations/003_reset.sql",
                          "migrations/004_seed.sql")
    check(not [f for f in findings(report, "004_seed.sql") if f["rule"] == "unknown-statement"],
          f"analyze over the history too: {rules_at(report, '004_seed.sql')}")
    role = analyze_json(s, "migrations/001_init.sql", "migrations/002_off.sql", "migrations/004_seed.sql")
    check([f["start"]["line"] for f in findings(role, "004_seed.sql") if f["rule"] == "unknown-statement"] == [1, 2],
          f"without the RESET, 004 is unknown: {rules_at(role, '004_seed.sql')}")


# Red team R73 F3/F5: other shapes of a merged default, and a session's RESET back to it. A DO
# block or routine whose body may ALTER ... SET (here by EXECUTE), a write to pg_db_role_setting,
# and an ALTER ROLE CURRENT_USER RESET after SET ROLE (another role's default) leave the later
# files read as after a change pgfence could not rule out; RESET, SET ... TO DEFAULT and RESET ALL
# go back to the role's default, off (all checked on PostgreSQL 15).
IGNORE = "-- pgfence-ignore: unknown-statement -- the legacy import needs backslash escapes\n"
LASTING_SHAPES = {
    "do_execute": IGNORE + "DO $$ BEGIN EXECUTE 'ALTER DATABASE ' || quote_ident(current_database()) || "
                  "' SET standard_conforming_strings = off'; END $$;\n",
    "routine": IGNORE + "CREATE FUNCTION legacy_mode() RETURNS void LANGUAGE sql AS $$ ALTER ROLE app SET "
               "standard_conforming_strings = off $$;\n" + IGNORE + "SELECT legacy_mode();\n",
    "catalog_write": IGNORE + "INSERT INTO pg_catalog.pg_db_role_setting (setdatabase, setrole, setconfig) SELECT oid, 0, "
                     "ARRAY['standard_' || 'conforming_strings=off'] FROM pg_database WHERE datname = current_database();\n",
    "current_user_reset": IGNORE + "ALTER ROLE SESSION_USER SET standard_conforming_strings = off;\nSET ROLE owner;\n"
                          "ALTER ROLE CURRENT_USER RESET standard_conforming_strings;\nRESET ROLE;\n",
    "session_reset": LASTING,
    "session_default": LASTING,
    "session_reset_all": LASTING,
}
LASTING_HEADS = {"session_reset": "RESET standard_conforming_strings;\n", "session_default": "SET standard_conforming_strings TO DEFAULT;\n",
                 "session_reset_all": "RESET ALL;\n"}


def lasting_shape(kind):
    def run(s):
        head = LASTING_HEADS.get(kind, "") + SMUGGLED
        repo_with(s, {"migrations/003_seed.sql": head}, base={"migrations/002_legacy.sql": LASTING_SHAPES[kind]})
        pr_fails(s, f"{kind}: the merged default may read the next pull request's file otherwise")
        runs = [r for r in s.requests() if r["method"] == "POST" and r["path"].endswith("/check-runs")]
        drop = head.count("\n")  # the smuggled DROP is on the last line
        notes = [a for a in runs[0]["body"]["output"].get("annotations", []) if a["path"] == "migrations/003_seed.sql"]
        check(any(a["start_line"] == drop and "unknown" in (a.get("title", "") + a["message"]) for a in notes),
              f"{kind}: the statement holding the DROP (line {drop}) is unknown: {[(a['start_line'], a['message'][:120]) for a in notes]}")
    return run


def goose_envsub(s):
    repo_with(s, {"migrations/00002_cleanup_test_user.sql": GOOSE_ENVSUB})
    report = analyze_json(s, "migrations/00002_cleanup_test_user.sql")
    unknown = [f for f in findings(report, "00002_cleanup_test_user.sql") if f["rule"] == "unknown-statement"]
    check([f["start"]["line"] for f in unknown] == [4], f"the DELETE holding ${{TEST_USER_ID}} is unknown at line 4: {unknown}")
    check("TEST_USER_ID" in unknown[0]["message"] and "goose" in unknown[0]["message"], f"it says why: {unknown[0]['message']}")
    proc = run(s, "analyze", "--no-config", "--ci", "migrations/00002_cleanup_test_user.sql")
    check(proc.returncode == 1 and "could not see" in proc.stderr, f"analyze --ci fails: {proc.returncode}\n{proc.stderr}")
    # Under ENVSUB goose sends `$$` as `$`: the DO block it sends does not parse, as on the server.
    write(os.path.join(s.repo, "migrations/00003_do.sql"),
          "-- +goose Up\n-- +goose ENVSUB ON\n-- +goose StatementBegin\nDO $$ BEGIN PERFORM 1; END $$;\n-- +goose StatementEnd\n")
    proc = run(s, "analyze", "--no-config", "migrations/00003_do.sql")
    check(proc.returncode == 2 and "00003_do.sql:4:4: syntax error" in proc.stderr,
          f"DO $ ... $ is what goose sends, and does not parse: {proc.returncode}\n{proc.stderr}")


# --- 3. Flyway's settings as Flyway reads them -------------------------------------------------

# Flyway doubles every backslash of flyway.conf before java.util.Properties reads it
# (ConfigUtils.loadConfigurationFromString): `\n` is a backslash and an n, so the placeholder ends
# the line in a comment and the DELETE has no filter. Read as plain Properties, `\n` is a line
# break and the DELETE filters on id = 42.
FLYWAY_CONF = ("flyway.locations=filesystem:db/migration\n"
               "flyway.placeholders.purge_filter=true --\\n AND id = 42\n")
FLYWAY_PURGE = ("SET lock_timeout = '2s';\n"
                "DELETE FROM sessions WHERE ${purge_filter};\n")


def flyway_conf_backslash(s):
    """flyway.conf is on the base branch; the pull request adds only the migration using it."""
    repo_with(s, {"db/migration/V2__purge_test_sessions.sql": FLYWAY_PURGE},
              base={"flyway.conf": FLYWAY_CONF, "db/migration/V1__init.sql": BASE})
    report = analyze_json(s, "db/migration/V2__purge_test_sessions.sql", config=True)
    got = rules_at(report, "V2__purge_test_sessions.sql")
    check((2, "delete-without-where") in got, f"the DELETE Flyway sends has no filter: {got}")
    pr_fails(s, "the DELETE of every session")


def flyway_suffix(s):
    """flyway.sqlMigrationSuffixes on the base branch makes .pgsql files migrations
    (ResourceNameParser.stripSuffix); the pull request adds one that drops a table. It is analysed
    as a Flyway migration (its placeholders replaced), in `pr` and when named to `analyze`."""
    conf = "flyway.locations=filesystem:db/migration\nflyway.sqlMigrationSuffixes=.sql,.pgsql\nflyway.placeholders.t=sessions\n"
    repo_with(s, {"db/migration/V2__retire_sessions.pgsql": "SET lock_timeout = '2s';\nDROP TABLE ${t};\n"},
              base={"flyway.conf": conf, "db/migration/V1__init.sql": BASE})
    report = analyze_json(s, "db/migration/V2__retire_sessions.pgsql", config=True)
    check((2, "drop-table") in rules_at(report, "V2__retire_sessions.pgsql"), f"DROP TABLE sessions: {rules_at(report, 'V2__retire_sessions.pgsql')}")
    proc = pr_fails(s, "the DROP TABLE in a .pgsql migration")
    check("V2__retire_sessions.pgsql" in proc.stdout + open(s.summary).read(), "the file is in the review")
    # Settings that change how Flyway names or decodes its migrations: unknown, not judged as read.
    write(os.path.join(s.repo, "flyway.conf"), conf + "flyway.encoding=ISO-8859-1\nflyway.sqlMigrationPrefix=M\n")
    report = analyze_json(s, "db/migration/V1__init.sql", config=True)
    messages = [f["message"] for f in findings(report, "V1__init.sql") if f["rule"] == "unknown-statement"]
    check(any("flyway.encoding" in m for m in messages) and any("sqlMigrationPrefix" in m for m in messages),
          f"encoding and naming settings are unknown: {messages}")


def flyway_custom_prefix(s):
    """flyway.sqlMigrationPrefix=M on the base branch: Flyway runs M2__note.sql as a migration and
    replaces its placeholders first, so '${note}' inside a literal may be SQL (here a value that
    closes the literal and drops a table). pgfence does not mirror custom naming: the file is
    unknown, never a harmless COMMENT, in `analyze` and in `pr`."""
    conf = ("flyway.locations=filesystem:db/migration\nflyway.sqlMigrationPrefix=M\n"
            "flyway.placeholders.note=x'; DROP TABLE sessions; --\n")
    repo_with(s, {"db/migration/M2__note.sql": "SET lock_timeout = '2s';\nCOMMENT ON TABLE users IS '${note}';\n"},
              base={"flyway.conf": conf, "db/migration/M1__init.sql": BASE})
    report = analyze_json(s, "db/migration/M2__note.sql", config=True)
    messages = [f["message"] for f in findings(report, "M2__note.sql") if f["rule"] == "unknown-statement"]
    check(any("sqlMigrationPrefix" in m for m in messages), f"the custom-named file is unknown: {rules_at(report, 'M2__note.sql')}")
    proc = pr_fails(s, "a custom-named Flyway migration pgfence cannot read as Flyway runs it")
    check("M2__note.sql" in proc.stdout + open(s.summary).read(), "the file is in the review")


# --- 5. Whether a statement's effects survive ---------------------------------------------------

SAVEPOINT_BASE = ("SET lock_timeout = '2s';\n"
                  "BEGIN;\n"
                  "SAVEPOINT dry_run;\n"
                  "DELETE FROM sessions;\n"
                  "ROLLBACK TO SAVEPOINT dry_run;\n"
                  "COMMIT;\n")


def savepoint_release(s):
    """The base rehearses a DELETE under a savepoint it rolls back; the pull request releases the
    savepoint instead: the DELETE now runs, and its finding is new, not pre-existing."""
    head = SAVEPOINT_BASE.replace("ROLLBACK TO SAVEPOINT dry_run", "RELEASE SAVEPOINT dry_run")
    repo_with(s, {"migrations/002_sessions.sql": head}, base={"migrations/002_sessions.sql": SAVEPOINT_BASE})
    proc = pr_fails(s, "RELEASE keeps the DELETE the savepoint used to undo", no_config=True)
    check("delete-without-where" in proc.stdout + proc.stderr + open(s.summary).read(), "the DELETE's finding is shown")


def rollback_and_chain(s):
    """BEGIN ... ROLLBACK AND CHAIN made COMMIT AND CHAIN: what was rolled back now commits."""
    base = "SET lock_timeout = '2s';\nBEGIN;\nDELETE FROM sessions;\nROLLBACK AND CHAIN;\nCOMMIT;\n"
    head = base.replace("ROLLBACK AND CHAIN", "COMMIT AND CHAIN")
    repo_with(s, {"migrations/002_sessions.sql": head}, base={"migrations/002_sessions.sql": base})
    pr_fails(s, "COMMIT AND CHAIN keeps the DELETE ROLLBACK AND CHAIN undid")


def nested_savepoint_still_undone(s):
    """The inner savepoint is released, but the outer one it sits in is still rolled back: the
    DELETE never survives. A statement after it in its transaction changed, though, and pgfence
    does not prove that the outer ROLLBACK TO still undoes it: its finding is new, not
    pre-existing (reporting more, never less; docs/pr.md)."""
    base = ("SET lock_timeout = '2s';\n"
            "BEGIN;\n"
            "SAVEPOINT outer_sp;\n"
            "SAVEPOINT inner_sp;\n"
            "DELETE FROM sessions;\n"
            "ROLLBACK TO inner_sp;\n"
            "ROLLBACK TO outer_sp;\n"
            "COMMIT;\n")
    head = base.replace("ROLLBACK TO inner_sp", "RELEASE inner_sp")
    repo_with(s, {"migrations/002_sessions.sql": head}, base={"migrations/002_sessions.sql": base})
    s.start_double()
    proc = s.run_pr()
    check(proc.returncode == 1, f"a change after the DELETE in its transaction makes it new: {proc.returncode}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (plpgsql_forms, execute_several_statements, overwritten_variables, golang_migrate_any_extension, functions_from_history_replaced, lexing_settings, lexing_carried, lexing_local_not_carried, lexing_lasting_default, lexing_lasting_reset, goose_envsub, flyway_conf_backslash, flyway_suffix, flyway_custom_prefix, savepoint_release, rollback_and_chain, nested_savepoint_still_undone)}

SCENARIOS.update({f"lexing_lasting_{kind}": lasting_shape(kind) for kind in LASTING_SHAPES})

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
