"""An app's entry file and its package.json scripts (review 85, classes A and B, jellyseerr).
- alias_imports: a TypeORM runner imports four modules by a tsconfig path alias (`@app/*`), each
  loading a module by a computed name. pgfence 36e3d80f gave one unknown per import (jellyseerr's
  server/index.ts: one per line of its forty imports); one unknown at the first import, naming the
  others' lines, is enough for a person to review the file.
- alias_imports_control: the third alias import loads pg and drops a table when it loads, and a
  relative import names no file: the file's one unknown names line 3, the relative import keeps its
  own unknown, and `analyze --ci` and `pr` both fail.
- typeorm_scaffold_lines: `ts-node --project server/tsconfig.json` lines that run TypeORM's
  `migration:generate` or `migration:create` run no migration (typeorm 0.3
  src/commands/MigrationGenerateCommand.ts turns synchronize, migrationsRun and dropSchema off and
  only logs the schema builder's SQL): no unknown there. The controls: the `migration:run` line, and
  a generate line chained with `&& typeorm migration:run`, stay unknown.
- pr_changed_imports: in `pr` the one unknown is at the first import the pull request changes,
  naming the other changed ones (a knexfile's unchanged import at line 1 does not hide them).

    test_entry_imports.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request  # noqa: E402
from test_tool_loads import gate_both  # noqa: E402

RUNNER_TAIL = ('const { AppDataSource } = require("../data-source");\n'
               "(async () => {\n"
               "  await AppDataSource.initialize();\n"
               "  await AppDataSource.runMigrations();\n"
               "  await AppDataSource.destroy();\n"
               "})();\n")
COMPUTED = 'const m = require(process.env.PLUGIN || "./plain");\nmodule.exports = m;\n'
BASE = {
    "data-source.js": ("const { DataSource } = require('typeorm');\n"
                       "exports.AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, "
                       "migrations: ['migrations/*.js'] });\n"),
    "migrations/1700000000000-S.js": "module.exports = class S1700000000000 { async up(q) { await q.query('SELECT 1') } async down() {} };\n",
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "node scripts/migrate.js"},
                                "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n",
    "tsconfig.json": json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"@app/*": ["src/*"]}}}) + "\n",
    "src/plain.js": "module.exports = {};\n",
    "src/a.js": COMPUTED,
    "src/b.js": COMPUTED,
    "src/c.js": COMPUTED,
    "src/d.js": COMPUTED,
    "scripts/migrate.js": RUNNER_TAIL,
}


def analyze(s):
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "message": f["message"]}
             for file in report["files"] for f in file["findings"]]
    return proc, [f for f in found if f["rule"] == "unknown-statement"]


def alias_imports(s):
    runner = "".join(f'require("@app/{m}");\n' for m in "abcd") + RUNNER_TAIL
    pull_request(s, {"scripts/migrate.js": runner}, BASE)
    proc, unknown = analyze(s)
    mine = [u for u in unknown if u["path"] == "scripts/migrate.js"]
    check(proc.returncode == 1, f"analyze --ci still fails: exit {proc.returncode}\n{proc.stderr[-500:]}")
    check([u["line"] for u in mine] == [1], f"one unknown, at the first import: {mine}")
    check("@app/a" in mine[0]["message"] and "3 more imports" in mine[0]["message"] and "lines 2, 3, 4" in mine[0]["message"],
          f"it names the other imports' lines: {mine[0]['message']}")


def alias_imports_control(s):
    evil = ('const { Client } = require("pg");\n'
            "const c = new Client();\n"
            'c.connect().then(() => c.query("DROP TABLE users"));\n'
            "module.exports = {};\n")
    runner = ('require("@app/a");\nrequire("@app/b");\nrequire("@app/evil");\nrequire("./missing");\n' + RUNNER_TAIL)
    gate_both(s, {"scripts/migrate.js": runner, "src/evil.js": evil}, "scripts/migrate.js", 1, BASE)
    _, unknown = analyze(s)
    mine = {u["line"]: u["message"] for u in unknown if u["path"] == "scripts/migrate.js"}
    check(4 in mine, f"the relative import that names no file keeps its own unknown: {mine}")
    check(1 in mine and "lines 2, 3)" in mine[1], f"the file's unknown names the import of the module that drops a table: {mine}")


def typeorm_scaffold_lines(s):
    cli = "ts-node -r tsconfig-paths/register --project server/tsconfig.json ./node_modules/typeorm/cli.js"
    scripts = {
        "migration:generate": f"{cli} migration:generate -d server/datasource.ts",
        "migration:create": f"{cli} migration:create server/migration/Name",
        "migration:run": f"{cli} migration:run -d server/datasource.ts",
        "generate:run": f"{cli} migration:generate -d server/datasource.ts && {cli} migration:run -d server/datasource.ts",
    }
    package = json.dumps({"name": "app", "scripts": scripts, "dependencies": {"typeorm": "0.3.20", "pg": "8"}}, indent=2) + "\n"
    lines = {name: n for n, text in enumerate(package.splitlines(), 1) for name in scripts if text.strip().startswith(f'"{name}"')}
    pull_request(s, {"package.json": package,
                     "server/tsconfig.json": json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"@server/*": ["*"]}}}) + "\n"}, BASE)
    proc, unknown = analyze(s)
    at = {u["line"] for u in unknown if u["path"] == "package.json" and "ts-node or tsx" in u["message"]}
    check(lines["migration:generate"] not in at and lines["migration:create"] not in at,
          f"generate and create run no migration: no unknown at lines {lines['migration:generate']}, {lines['migration:create']}: {sorted(at)}")
    check(lines["migration:run"] in at and lines["generate:run"] in at,
          f"migration:run and a chained run stay unknown (lines {lines['migration:run']}, {lines['generate:run']}): {sorted(at)}")
    check(proc.returncode == 1, f"analyze --ci still fails: exit {proc.returncode}")


KNEXFILE = 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n'
KNEX_BASE = {
    "knexfile.js": 'require("@app/a");\n' + KNEXFILE,
    "migrations/20240101000000_a.js": "exports.up = (knex) => knex.raw('SELECT 1');\nexports.down = () => {};\n",
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "knex migrate:latest"}, "dependencies": {"knex": "3.1.0", "pg": "8"}}) + "\n",
    "tsconfig.json": BASE["tsconfig.json"],
    "src/plain.js": BASE["src/plain.js"],
    "src/a.js": COMPUTED,
    "src/b.js": COMPUTED,
}


def pr_changed_imports(s):
    """pr reads only the changed lines: the knexfile's unfollowed import on an unchanged line 1 is not
    where it reports; the imports the pull request adds (lines 2 and 3, the second loading a module
    that drops a table) are one unknown at line 2, naming line 3."""
    evil = 'const { Client } = require("pg");\nconst c = new Client();\nc.connect().then(() => c.query("DROP TABLE users"));\n'
    head = {"knexfile.js": 'require("@app/a");\nrequire("@app/b");\nrequire("@app/evil");\n' + KNEXFILE, "src/evil.js": evil}
    pull_request(s, head, KNEX_BASE)
    s.start_double()
    sarif_path = os.path.join(s.tmp, "pr.sarif")
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--sarif", sarif_path)
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    with open(sarif_path) as f:
        results = json.load(f)["runs"][0]["results"]
    knexfile = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["message"]["text"] for r in results
                if r["ruleId"] == "unknown-statement" and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "knexfile.js"}
    check(2 in knexfile and "1 more import by name not followed (line 3)" in knexfile[2],
          f"pr: one unknown at knexfile.js:2 naming the changed line 3: {knexfile}")


SCENARIOS = {
    "pr_changed_imports": pr_changed_imports,
    "alias_imports": alias_imports,
    "alias_imports_control": alias_imports_control,
    "typeorm_scaffold_lines": typeorm_scaffold_lines,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
