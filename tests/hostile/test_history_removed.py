"""Issue #53 (red team G2): a migration on the base branch has run, whatever the pull request does
to it. A pull request that deletes or renames one must not make what it made count as absent
("new") to the pull request's own migrations, and the deletion or rename is itself a finding
(HIGH, migration-tool-settings-changed). History replay that skipped something (a psql `\\ir`
include it does not follow) leaves the schema unsure: a DROP ... IF EXISTS of a name it does not
hold is a DROP of an existing table. Real git repositories, the real binary, `pgfence pr` against
the GitHub double.

    test_history_removed.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402

USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
IMPORTS = "CREATE TABLE user_imports (id bigint PRIMARY KEY, payload text);\n"
RESET = ("SET lock_timeout = '2s';\nDROP TABLE IF EXISTS user_imports;\n"
         "CREATE TABLE user_imports (id bigint PRIMARY KEY, payload text, source text);\n")


def repository(s, base_files, head_files=(), removed=(), moves=()):
    """Base: `base_files` on main; the branch `feature` moves `moves`, removes `removed` and writes `head_files`."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in base_files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for old, new in moves:
        git(s.repo, "mv", old, new)
    for path in removed:
        git(s.repo, "rm", "-q", path)
    for path, text in dict(head_files).items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()


def review(s, *extra):
    """`pgfence pr` in Actions against the double: exit code, findings as (path, rule, line), the check run."""
    s.start_double()
    out = os.path.join(s.tmp, "report.json")
    proc = s.run_pr("--format", f"json={out}", *extra)
    s.all_requests_valid()
    with open(out) as f:
        report = json.load(f)
    found = sorted((f["path"], x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]
                   if not x.get("pre_existing"))
    conclusions = [r["body"].get("conclusion") for r in s.requests("checks/create") + s.requests("checks/update")
                   if isinstance(r.get("body"), dict) and r["body"].get("conclusion")]
    return proc, found, conclusions, report


def blocked(proc, conclusions, found):
    check(proc.returncode == 1, f"the review fails: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-1000:]}")
    check(conclusions and all(c != "success" for c in conclusions), f"the check run is not a success: {conclusions}")


def deleted_then_reset(s):
    """DELRESET: the pull request deletes 002 (which made user_imports, and has run) and adds 003
    `DROP TABLE IF EXISTS user_imports; CREATE TABLE user_imports`: the DROP takes a table with its
    rows, not nothing, and the deletion itself is reported at 002."""
    repository(s, {"migrations/001_users.sql": USERS, "migrations/002_imports.sql": IMPORTS},
               {"migrations/003_imports_v2.sql": RESET}, removed=["migrations/002_imports.sql"])
    proc, found, conclusions, report = review(s)
    check(("migrations/002_imports.sql", "migration-tool-settings-changed", 1) in found, f"the deletion is a finding: {found}")
    check(("migrations/003_imports_v2.sql", "drop-table", 2) in found, f"the DROP of the table 002 made is reported: {found}")
    blocked(proc, conclusions, found)
    deleted = [f for f in report["files"] if f["path"] == "migrations/002_imports.sql"][0]
    risks = [x["risk"] for x in deleted["findings"]]
    check(risks == ["HIGH"], f"HIGH: {risks}")


def deleted_create_if_not_exists(s):
    """DELCINE and DELFN: after the deletion of the migration that made them, `CREATE TABLE IF NOT
    EXISTS user_imports; TRUNCATE user_imports` truncates the existing table, and a function 002
    made (a column's DEFAULT) replaced with a body that deletes is a replaced function in use."""
    repository(s, {"migrations/001_users.sql": USERS + "CREATE TABLE things (id bigserial PRIMARY KEY, nm text);\n"
                                                      "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
                   "migrations/002_imports.sql": IMPORTS +
                   "CREATE FUNCTION mk_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;\n"
                   "ALTER TABLE things ADD COLUMN code text DEFAULT mk_code();\n"},
               {"migrations/003_cleanup.sql": "SET lock_timeout = '2s';\n"
                "CREATE TABLE IF NOT EXISTS user_imports (id bigint PRIMARY KEY, payload text);\nTRUNCATE user_imports;\n"
                "CREATE OR REPLACE FUNCTION mk_code() RETURNS text LANGUAGE sql AS "
                "$$ DELETE FROM orders; SELECT md5(random()::text) $$;\n"},
               removed=["migrations/002_imports.sql"])
    proc, found, conclusions, _ = review(s)
    rules = {(rule, line) for path, rule, line in found if path == "migrations/003_cleanup.sql"}
    check(any(line == 3 for _, line in rules), f"the TRUNCATE of the existing table is reported: {found}")
    check(any(line == 4 for _, line in rules), f"the replaced function in use is reported: {found}")
    blocked(proc, conclusions, found)


def deleted_only(s):
    """DELONLY: a pull request that only deletes a migration that has run is not clean."""
    repository(s, {"migrations/001_users.sql": USERS, "migrations/002_imports.sql": IMPORTS},
               removed=["migrations/002_imports.sql"])
    proc, found, conclusions, _ = review(s)
    check(found == [("migrations/002_imports.sql", "migration-tool-settings-changed", 1)], f"the deletion: {found}")
    blocked(proc, conclusions, found)


def renamed_sequelize(s):
    """SEQREN: sequelize-cli records a migration by its file name (SequelizeMeta), so a renamed file
    runs again: its DROP TABLE IF EXISTS; CREATE TABLE empties user_imports. The rename is reported
    at the base path, HIGH, although the file's lines are all pre-existing."""
    body = ('module.exports = {\n  async up(queryInterface, Sequelize) {\n'
            '    await queryInterface.sequelize.query("DROP TABLE IF EXISTS user_imports; '
            'CREATE TABLE user_imports (id bigint PRIMARY KEY, payload text)");\n  },\n  async down() {}\n};\n')
    users = ('module.exports = {\n  async up(queryInterface, Sequelize) {\n'
             '    await queryInterface.sequelize.query("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text)");\n'
             '  },\n  async down() {}\n};\n')
    repository(s, {".sequelizerc": "const path = require('path');\n"
                                   "module.exports = { 'migrations-path': path.resolve('db', 'migrations') };\n",
                   "db/migrations/20240101000000-users.js": users,
                   "db/migrations/20240102000000-imports.js": body},
               moves=[("db/migrations/20240102000000-imports.js", "db/migrations/20240102000000-create-imports.js")])
    proc, found, conclusions, _ = review(s)
    check(("db/migrations/20240102000000-imports.js", "migration-tool-settings-changed", 1) in found,
          f"the rename is a finding at the base path: {found}")
    blocked(proc, conclusions, found)


def include_in_history(s):
    """HISTIR: the base's 002 is `\\ir ../sql/imports.sql` (psql reads that file there), which
    history replay does not follow: the schema is unsure, and 003's DROP TABLE IF EXISTS
    user_imports is judged as on an existing table, not as a DROP of nothing."""
    repository(s, {"migrations/001_users.sql": USERS, "migrations/002_imports.sql": "\\ir ../sql/imports.sql\n",
                   "sql/imports.sql": IMPORTS},
               {"migrations/003_imports_v2.sql": RESET})
    proc, found, conclusions, _ = review(s)
    check(("migrations/003_imports_v2.sql", "drop-table", 2) in found, f"the DROP is of a table that may exist: {found}")
    blocked(proc, conclusions, found)


def history_file_too_large(s):
    """A history migration over --max-file-size (1 MB here) is never loaded: what it made may exist,
    so a later DROP TABLE IF EXISTS of that name is a DROP of an existing table, in `analyze` (the
    file committed at HEAD) as in `pr` (the file at the base commit)."""
    big = IMPORTS + "-- " + "x" * (1 << 20) + "\n"
    repository(s, {"migrations/001_users.sql": USERS, "migrations/002_imports.sql": big},
               {"migrations/003_imports_v2.sql": RESET})
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--max-file-size", "1", "--ci", "--format", "json",
                           "migrations/003_imports_v2.sql"], cwd=s.repo, env=env, capture_output=True, text=True, timeout=120)
    check("002_imports.sql" in proc.stderr and "not replayed as history" in proc.stderr, f"the note: {proc.stderr}")
    found = [(x["rule"], x["start"]["line"]) for f in json.loads(proc.stdout)["files"] for x in f["findings"]]
    check(("drop-table", 2) in found and proc.returncode == 1, f"analyze: the DROP of a table that may exist: {found} exit {proc.returncode}")
    proc, found, conclusions, _ = review(s, "--max-file-size", "1")
    check(("migrations/003_imports_v2.sql", "drop-table", 2) in found, f"pr: the DROP of a table that may exist: {found}")
    blocked(proc, conclusions, found)


SCENARIOS = {f.__name__: f for f in (deleted_then_reset, deleted_create_if_not_exists, deleted_only, renamed_sequelize,
                                     include_in_history, history_file_too_large)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
