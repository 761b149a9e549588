"""A settings module's import by a path alias (red team R86b F8).

knexfile.js does `require("#boot")`, and package.json's "imports" maps "#boot" to ./src/boot.js
(Node's subpath imports). pgfence 86 did not resolve the name in a settings module: one unknown at
knexfile.js:2, signed off at merge; a pull request that changed only src/boot.js (now connecting with
pg and dropping users, before knex runs a migration) passed `pr --ci --unknown block`. pgfence now
resolves package.json "imports" as Node does (exact keys, `#x/*` patterns, the conditions Node picks
for require() and import) and follows the file like a relative import, and `pr` reviews a change to
it as one to a module the knexfile loads; an alias it does not resolve makes the knexfile reviewed
with any changed script:
- boot_target: the F8 case; the pull request changes src/boot.js;
- pattern: `require("#lib/boot")` through `"#lib/*": "./src/lib/*.js"`;
- conditions: `"#boot": {"types": ..., "node": "./src/boot.js", "default": "./src/browser.js"}`:
  Node picks "node" for both loaders, so src/boot.js is the file;
- unresolved: `require("~/boot")`, a bundler's alias no settings file maps: a change to any script
  reviews the knexfile, whose load is then unknown at its line;
- control_readme: the F8 base analyses with no unknown (boot.js is read), and a pull request that
  changes README.md reviews nothing and passes;
- migration_target, migration_control: a merged migration's `require("#db/audit")` is linked to
  lib/db/audit.js (a change to it reviews the migration), and a change to another script does not;
- runner, runner_control: a knex runner script's `require("#boot")`: a change that makes the module
  load pg is unknown at that line; one that loads no driver passes;
- data_source, data_source_relative: a TypeORM data source's `require("#boot")` (and, a neighbour,
  its `require("./src/boot")`): its loads run when TypeORM loads it;
- control_high: a migration's `require("#db/drop")` through a conditional pattern is read, so its
  dropTable("users") is a HIGH finding in analyze, not an unknown.
- pattern_tie, pattern_tie_control (red team R87b F3): `"#lib/*"` and `"#lib/*.js"` share a prefix; Node
  takes the longer key whatever the order (resolve.js patternKeyCompare), so `#lib/audit.js` is the file
  the longer key names: its dropTable is HIGH; with the longer key naming the harmless file, no drop.

    test_pr_alias_imports.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main  # noqa: E402
from test_link_targets import repository  # noqa: E402
from test_pr_helper_changes import USERS  # noqa: E402
from test_tool_reach import check_run, pr_findings, run  # noqa: E402

DEPS = '"scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0","dotenv":"16.0.0"}'
KNEXFILE = ('require("dotenv").config();\nrequire("{spec}");\n'
            'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n')
BOOT_OK = "exports.ok = true;\n"
BOOT_BAD = ('const { Client } = require("pg");\nconst c = new Client({ connectionString: process.env.DATABASE_URL });\n'
            'module.exports = c.connect().then(() => c.query("DROP TABLE users")).then(() => c.end());\n')


def project(imports, spec, boot_path, extra=None):
    return {"package.json": '{"name":"app","imports":%s,%s}\n' % (json.dumps(imports), DEPS),
            "knexfile.js": KNEXFILE.replace("{spec}", spec), "migrations/20240101000000_users.js": USERS,
            boot_path: BOOT_OK, **(extra or {})}


F8 = project({"#boot": "./src/boot.js"}, "#boot", "src/boot.js")


def gated(s, base, head, at):
    """pr --ci --unknown block --max-risk low fails, the check run too, with an unknown at `at` (path, line):
    the changed module's load of pg, or the knexfile's load pgfence does not resolve."""
    repository(s, base, {}, head)
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check((at[0], "unknown-statement", at[1]) in found, f"unknown at {at}: {sorted(found)}")
    check(check_run(s).get("conclusion") == "failure", "the check run fails")
    s.all_requests_valid()


def boot_target(s):
    gated(s, F8, {"src/boot.js": BOOT_BAD}, ("src/boot.js", 1))


def pattern(s):
    gated(s, project({"#lib/*": "./src/lib/*.js"}, "#lib/boot", "src/lib/boot.js"), {"src/lib/boot.js": BOOT_BAD}, ("src/lib/boot.js", 1))


def conditions(s):
    imports = {"#boot": {"types": "./src/boot.d.ts", "node": "./src/boot.js", "default": "./src/browser.js"}}
    gated(s, project(imports, "#boot", "src/boot.js", {"src/browser.js": BOOT_OK}), {"src/boot.js": BOOT_BAD}, ("src/boot.js", 1))


def unresolved(s):
    gated(s, project({}, "~/boot", "src/boot.js"), {"src/boot.js": BOOT_BAD}, ("knexfile.js", 2))


def data_source(s, spec="#boot"):
    source = ('require("' + spec + '");\nconst { DataSource } = require("typeorm");\n'
              "exports.AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: ['migrations/*.js'] });\n")
    base = {"package.json": '{"name":"app","imports":{"#boot":"./src/boot.js"},"scripts":{"migrate":"typeorm migration:run -d data-source.js"},'
                            '"dependencies":{"typeorm":"0.3.20","pg":"8.11.0"}}\n',
            "data-source.js": source, "src/boot.js": BOOT_OK,
            "migrations/1700000000000-S.js": "module.exports = class S1700000000000 { async up(q) { await q.query('SELECT 1') } async down() {} };\n"}
    gated(s, base, {"src/boot.js": BOOT_BAD}, ("src/boot.js", 1))


def data_source_relative(s):
    data_source(s, "./src/boot")


RUNNER = ('require("#boot");\nconst knex = require("knex")(require("../knexfile"));\n'
          "knex.migrate.latest().then(() => knex.destroy());\n")


def runner_project(boot):
    return {"package.json": '{"name":"app","imports":{"#boot":"./src/boot.js"},"scripts":{"migrate":"node scripts/migrate.js"},'
                            '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
            "knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n',
            "scripts/migrate.js": RUNNER, "migrations/20240101000000_users.js": USERS, "src/boot.js": boot}


def runner(s):
    gated(s, runner_project(BOOT_OK), {"src/boot.js": BOOT_BAD}, ("src/boot.js", 1))


def runner_control(s):
    """The runner's module by alias changes without loading a driver: judged as a module the tool's
    process loads (a driver, a write to another module's value), not as settings, so pr passes."""
    repository(s, runner_project("exports.ok = true;\n"), {}, {"src/boot.js": "exports.ok = false;\nexports.when = Date.now();\n"})
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check(not pr_findings(s), f"no finding: {sorted(pr_findings(s))}")


CREATE = 'exports.run = async function (knex) {\n  await knex.schema.createTable("audit", (t) => { t.increments("id"); });\n};\n'
DROP = 'exports.run = async function (knex) {\n  await knex.schema.dropTable("users");\n};\n'


def migration_project():
    migration = ('const { run } = require("#db/audit");\n'
                 "exports.up = async function (knex) {\n  await run(knex);\n};\nexports.down = async function () {};\n")
    return {"package.json": '{"name":"app","imports":{"#db/*":"./lib/db/*.js"},%s}\n' % DEPS,
            "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
            "migrations/20240101000000_users.js": USERS, "migrations/20240101000001_audit.js": migration,
            "lib/db/audit.js": CREATE, "src/other.js": "exports.x = 1;\n"}


def migration_target(s):
    """A merged migration's `#db/audit` is linked to lib/db/audit.js: a change to it reviews the migration."""
    repository(s, migration_project(), {}, {"lib/db/audit.js": DROP})
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    found = pr_findings(s)
    check(any(p == "migrations/20240101000001_audit.js" and r != "unknown-statement" for p, r, _ in found), f"the drop is reported: {sorted(found)}")


def migration_control(s):
    """The same migration, and a pull request that changes src/other.js: no migration is reviewed
    (pgfence 86 took any `#` name to reach any script)."""
    repository(s, migration_project(), {}, {"src/other.js": "exports.x = 2;\n"})
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check("reviewed with it" not in proc.stderr, f"no migration is reviewed:\n{proc.stderr[-1500:]}")


def analyze_base(s):
    """analyze --ci --unknown block --max-risk low of the base commit's checkout."""
    git(s.repo, "checkout", "-q", "main")
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", ".")
    git(s.repo, "checkout", "-q", "feature")
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    return proc.returncode, [(f["path"].removeprefix("./"), x) for f in report["files"] for x in f["findings"]]


def control_readme(s):
    repository(s, F8, {}, {"README.md": "# app\n"})
    code, found = analyze_base(s)
    check(code == 0 and not found, f"analyze reads src/boot.js: no finding, exit 0 (exit {code}): {found}")
    s.start_double()
    proc = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    check("reviewed with it" not in proc.stderr and not pr_findings(s), f"nothing is reviewed:\n{proc.stderr[-1500:]}")


def control_high(s):
    drop = 'exports.run = async function (knex) {\n  await knex.schema.dropTable("users");\n};\n'
    migration = ('const { run } = require("#db/drop");\n'
                 "exports.up = async function (knex) {\n  await run(knex);\n};\nexports.down = async function () {};\n")
    imports = {"#db/*": {"node": "./lib/db/*.js", "default": "./lib/browser/*.js"}}
    base = {"package.json": '{"name":"app","imports":%s,%s}\n' % (json.dumps(imports), DEPS),
            "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
            "migrations/20240101000000_users.js": USERS, "migrations/20240101000001_drop.js": migration,
            "lib/db/drop.js": drop, "lib/browser/drop.js": "exports.run = async function () {};\n"}
    repository(s, base, {}, {"README.md": "# app\n"})
    code, found = analyze_base(s)
    at = [(p, x["rule"], x["risk"]) for p, x in found if p == "migrations/20240101000001_drop.js"]
    check(code == 1 and any(r == "HIGH" and rule != "unknown-statement" for _, rule, r in at), f"the dropTable is HIGH: {at}")
    check(not any(rule == "unknown-statement" for _, rule, _ in at), f"and no load is unknown: {at}")


def tie_project(imports):
    drop = 'exports.run = async function (knex) {\n  await knex.schema.dropTable("users");\n};\n'
    migration = ('const { run } = require("#lib/audit.js");\n'
                 "exports.up = async function (knex) {\n  await run(knex);\n};\nexports.down = async function () {};\n")
    return {"package.json": '{"name":"app","imports":%s,%s}\n' % (imports, DEPS),
            "knexfile.js": 'module.exports = { client: "pg", migrations: { directory: "./migrations" } };\n',
            "migrations/20240101000000_users.js": USERS, "migrations/20240101000001_audit.js": migration,
            "src/lib/audit.js": drop.replace("dropTable", "hasTable"), "src/legacy/audit.js": drop}


def tie_found(s, imports):
    repository(s, tie_project(imports), {}, {"README.md": "# app\n"})
    code, found = analyze_base(s)
    return code, [(p, x["rule"], x["risk"]) for p, x in found if p == "migrations/20240101000001_audit.js"]


def pattern_tie(s):
    _, at = tie_found(s, '{"#lib/*": "./src/lib/*", "#lib/*.js": "./src/legacy/*.js"}')
    check(any(rule == "drop-table" and r == "HIGH" for _, rule, r in at), f"the legacy dropTable is HIGH: {at}")


def pattern_tie_control(s):
    _, at = tie_found(s, '{"#lib/*": "./src/legacy/*", "#lib/*.js": "./src/lib/*.js"}')
    check(not any(rule == "drop-table" for _, rule, _ in at), f"the longer key names the harmless file: {at}")


SCENARIOS = {f.__name__: f for f in (pattern_tie, pattern_tie_control, boot_target, pattern, conditions, unresolved, data_source, data_source_relative, runner, runner_control, migration_target, migration_control, control_readme, control_high)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
