"""Reading gaps of issue #53 the red team I1 reproduced as pull requests that passed `pgfence pr
--ci` (each scenario fails on the binary before the fix). Each builds a real git repository and
runs `pgfence pr` against the GitHub double, or `pgfence analyze` over the checkout.

- typeorm_*: TypeORM records a migration by `migration.name ?? migration.constructor.name`
  (typeorm src/migration/MigrationExecutor.ts getMigrations, of `new migrationClass()`): a merged
  migration whose name a getter, `Object.assign(this, ...)`, the constructor or a class
  expression's binding changes runs again (migration-tool-settings-changed at the line that
  decides it); a name pgfence cannot evaluate is an unknown statement there, never clean.
- psql_include_*: `\\i :file` (a psql variable) or `\\i other.sql` the repository lacks is an
  unknown statement of its own, and the SQL after it is read; `analyze`'s history replays what an
  included file creates.
- ci_hidden_*: `analyze .` reads the CI files in hidden folders (.github/workflows, .circleci,
  .buildkite, .woodpecker) as `pr` does: a file they run with psql is analysed.

    test_read_gaps.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402
from test_link_targets import gated  # noqa: E402
from test_tool_reach import analyze_findings, pr_findings, repository, run  # noqa: E402
from test_typeorm_settings import BASE, MIGRATION, reset  # noqa: E402

RENAMED = "migration-tool-settings-changed"


def typeorm_getter(s):
    """TYGETTER: the class gains `get name() { return "Reset1700000000002"; }`."""
    gated(s, BASE, {}, {MIGRATION: reset(name_line='  get name() { return "Reset1700000000002"; }\n')}, {(MIGRATION, RENAMED, 3)})


def typeorm_assign(s):
    """TYASSIGN: the constructor runs `Object.assign(this, { name: "Reset1700000000002" })`."""
    ctor = '  constructor() {\n    Object.assign(this, { transaction: true, name: "Reset1700000000002" });\n  }\n'
    gated(s, BASE, {}, {MIGRATION: reset(name_line=ctor)}, {(MIGRATION, RENAMED, 4)})


def typeorm_constructor(s):
    """TYCTOR: the constructor sets `this.name = "Reset1700000000002"`."""
    ctor = '  constructor() {\n    this.name = "Reset1700000000002";\n  }\n'
    gated(s, BASE, {}, {MIGRATION: reset(name_line=ctor)}, {(MIGRATION, RENAMED, 4)})


def typeorm_class_expression(s):
    """TYEXPR: `export const Reset1700000000002 = class implements MigrationInterface {...}`: the
    anonymous class takes the binding's name (ECMAScript NamedEvaluation), Reset1700000000002."""
    head = reset().replace("export class Reset1700000000001 implements", "export const Reset1700000000002 = class implements")
    gated(s, BASE, {}, {MIGRATION: head}, {(MIGRATION, RENAMED, 2)})


def typeorm_computed_name(s):
    """TYCOMPUTED: a getter that computes the name pgfence cannot evaluate: unknown at its line."""
    head = 'const SUFFIX = "1700000000002";\n' + reset(name_line='  get name() { return "Reset" + SUFFIX; }\n')
    gated(s, BASE, {}, {MIGRATION: head}, {(MIGRATION, "unknown-statement", 4)})


def typeorm_extends(s):
    """TYEXTENDS: the class now extends a base class the pull request adds, whose field sets `name`."""
    head = ('import { Named } from "../named";\n' +
            reset().replace("implements MigrationInterface", "extends Named implements MigrationInterface"))
    gated(s, BASE, {}, {MIGRATION: head, "src/named.ts": 'export class Named { name = "Reset1700000000002"; }\n'},
          {(MIGRATION, "unknown-statement", 3)})


def typeorm_name_control(s):
    """A constant getter kept as it was while the body changes: no rename, nothing unknown about the name."""
    getter = '  get name() { return "Reset1700000000001"; }\n'
    base = dict(BASE)
    base[MIGRATION] = reset(name_line=getter)
    repository(s, base, {MIGRATION: reset(name_line=getter, sql="SELECT 1")})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(not any(rule in (RENAMED, "unknown-statement") for _, rule, _ in found), f"no rename, nothing unknown: {sorted(found)}\n{proc.stderr}")


INIT = {"migrations/001_init.sql": "CREATE TABLE users (id bigserial PRIMARY KEY, email text);\n"}


def psql_include_variable(s):
    """PSQLVAR: a migration runs `\\i :extra` (a file a psql variable names) and then drops a table:
    the include is unknown at its line, and the DROP TABLE after it is read (it was swallowed into
    one unparsable statement with the include)."""
    head = {"migrations/002_cleanup.sql": "\\i :extra\nDROP TABLE users;\n"}
    expected = {("migrations/002_cleanup.sql", "unknown-statement", 1), ("migrations/002_cleanup.sql", "drop-table", 2)}
    gated(s, INIT, {}, head, expected)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    check(expected <= found, f"analyze reports {sorted(expected)}: {sorted(found)}")


def psql_include_missing(s):
    """PSQLMISSING: `\\i db/other.sql` names a file the repository does not have: unknown at its line,
    the DROP TABLE after it read."""
    head = {"migrations/002_cleanup.sql": "\\i db/other.sql\nDROP TABLE users;\n"}
    expected = {("migrations/002_cleanup.sql", "unknown-statement", 1), ("migrations/002_cleanup.sql", "drop-table", 2)}
    gated(s, INIT, {}, head, expected)
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    check(expected <= found, f"analyze reports {sorted(expected)}: {sorted(found)}")


EVENTS = ("CREATE TABLE events (id bigint PRIMARY KEY, kind text);\n"
          "CREATE VIEW event_kinds AS SELECT kind FROM events;\n")
DROP_KIND = "ALTER TABLE events DROP COLUMN kind CASCADE;\n"


def cascade_found(s, proc, where):
    report = json.loads(proc.stdout)
    messages = [x["message"] for f in report["files"] for x in f["findings"] if x["rule"] == "drop-column"]
    check(any("event_kinds" in m for m in messages), f"{where}: the view the included file made is dropped too: {messages}\n{proc.stderr}")


def psql_include_history(s):
    """PSQLHIST: 001 makes its tables with `\\i db/schema/events.sql`; 002 drops a column with
    CASCADE, which drops the view the included file made. `analyze --history` and the committed
    history of `analyze FILE` replay the included file where the include stands."""
    repository(s, {"migrations/001_init.sql": "\\i db/schema/events.sql\n", "db/schema/events.sql": EVENTS}, {"README.md": "app\n"})
    write(os.path.join(s.repo, "migrations/002_drop_kind.sql"), DROP_KIND)
    proc = run(s, "analyze", "--no-config", "--format", "json", "migrations/002_drop_kind.sql")
    cascade_found(s, proc, "analyze FILE (committed history)")
    proc = run(s, "analyze", "--no-config", "--format", "json", "--history", "migrations/001_init.sql", "migrations/002_drop_kind.sql")
    cascade_found(s, proc, "analyze --history")



def psql_include_pr_history(s):
    """PSQLPRHIST: the base's 001 drops any old events table, then makes it with `\\i db/events.sql`
    (kind text); the pull request's 002 changes kind to bigint, which rewrites events. `pgfence pr`
    replays the base commit's migrations from git objects, with each include read from the base
    commit's tree where it stands (before: the include left the base's schema unknown after the
    DROP, and the rewrite was only "may rewrite", MEDIUM)."""
    base = {"migrations/001_init.sql": "DROP TABLE IF EXISTS events;\n\\i db/events.sql\n",
            "db/events.sql": "CREATE TABLE events (id bigint PRIMARY KEY, kind text);\n"}
    repository(s, base, {"migrations/002_kind.sql": "ALTER TABLE events ALTER COLUMN kind TYPE bigint USING kind::bigint;\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    report = json.load(open(os.path.join(s.tmp, "pr.json")))
    risks = [(x["risk"], x["message"]) for f in report["files"] for x in f["findings"] if x["rule"] == "alter-column-type-rewrite"]
    check(any(r == "HIGH" for r, _ in risks), f"pr: kind is text at the base, so the change rewrites events (HIGH): {risks}\n{proc.stderr}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr}")


def psql_include_followed(s):
    """PSQLFOLLOWED: a migration runs `\\i db/cleanup.sql`, a file of the repository: its DROP TABLE is
    reported in db/cleanup.sql, and the include line itself is no statement (before: also one
    statement pgfence could not parse, HIGH, at the include's line)."""
    head = {"migrations/002_cleanup.sql": "\\i db/cleanup.sql\nSELECT 1;\n", "db/cleanup.sql": "DROP TABLE users;\n"}
    gated(s, INIT, {}, head, {("db/cleanup.sql", "drop-table", 1)})
    found = pr_findings(s)
    check(not any(p == "migrations/002_cleanup.sql" for p, _, _ in found), f"pr: nothing at the include: {sorted(found)}")
    found = analyze_findings(s)
    check(("db/cleanup.sql", "drop-table", 1) in found, f"analyze reports the included DROP TABLE: {sorted(found)}")
    check(not any(p == "migrations/002_cleanup.sql" for p, _, _ in found), f"analyze: nothing at the include: {sorted(found)}")

CLEANUP = "DELETE FROM users;\nDROP TABLE users;\n"
PSQL = 'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f db/cleanup.psql'


def ci_hidden(s, path, text):
    """`analyze .` over a checkout whose CI file in a hidden folder runs db/cleanup.psql (a name no
    migration glob selects) with psql: the file is analysed, as `pr` analyses it."""
    repository(s, INIT, {path: text, "db/cleanup.psql": CLEANUP})
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    check(("db/cleanup.psql", "drop-table", 2) in found, f"analyze reads {path}: {sorted(found)}\n{proc.stderr}")


def ci_hidden_github(s):
    ci_hidden(s, ".github/workflows/deploy.yml", "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                                                 f"      - uses: actions/checkout@v4\n      - run: {PSQL}\n")


def ci_hidden_circleci(s):
    ci_hidden(s, ".circleci/config.yml", "version: 2.1\njobs:\n  migrate:\n    docker:\n      - image: cimg/base:stable\n"
                                         f"    steps:\n      - checkout\n      - run: {PSQL}\n")


def ci_hidden_buildkite(s):
    ci_hidden(s, ".buildkite/pipeline.yml", f"steps:\n  - label: migrate\n    command: {PSQL}\n")


def ci_hidden_woodpecker(s):
    ci_hidden(s, ".woodpecker/deploy.yaml", f"steps:\n  - name: migrate\n    image: postgres:15\n    commands:\n      - {PSQL}\n")


def ci_hidden_control(s):
    """Hidden folders that are no settings folders stay unread: a .venv's and a .cache's files."""
    repository(s, INIT, {".venv/deploy.yml": f"steps:\n  - run: {PSQL}\n", ".cache/x/pipeline.yml": f"command: {PSQL}\n",
                         "db/cleanup.psql": CLEANUP})
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    found = analyze_findings(s)
    check(not any(p == "db/cleanup.psql" for p, _, _ in found), f"nothing runs db/cleanup.psql: {sorted(found)}\n{proc.stderr}")


def down_halves(s):
    """A DBA's review of authelia (its own runner, V0001.Name.up.sql beside V0001.Name.down.sql):
    the down halves were read as migrations, so a later up file's DROP TABLE IF EXISTS of a live
    table met a table the down half had dropped and was reported clean. A .down.sql file is a
    down half whatever the tool: not run on the way up, not history for the files after it."""
    base = {"db/V0001.Init.up.sql": "CREATE TABLE oauth2_sessions (id bigint PRIMARY KEY, subject text);\n",
            "db/V0001.Init.down.sql": "DROP TABLE IF EXISTS oauth2_sessions;\n"}
    head = {"db/V0002.Cleanup.up.sql": "DROP TABLE IF EXISTS oauth2_sessions;\n",
            "db/V0002.Cleanup.down.sql": "CREATE TABLE oauth2_sessions (id bigint PRIMARY KEY, subject text);\n"}
    repository(s, base, head)
    proc = run(s, "analyze", "--no-config", "--ci", "db")
    check(proc.returncode == 1, f"analyze fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    check(("db/V0002.Cleanup.up.sql", "drop-table", 1) in found, f"the up file's DROP TABLE is reported: {sorted(found)}")
    check(not any(p.endswith(".down.sql") for p, _, _ in found), f"no finding in a down half: {sorted(found)}")


SCENARIOS = {f.__name__: f for f in (down_halves, typeorm_getter, typeorm_assign, typeorm_constructor, typeorm_class_expression, typeorm_computed_name,
                                     typeorm_extends, typeorm_name_control, psql_include_variable, psql_include_missing, psql_include_history,
                                     psql_include_pr_history, psql_include_followed,
                                     ci_hidden_github, ci_hidden_circleci, ci_hidden_buildkite, ci_hidden_woodpecker, ci_hidden_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
