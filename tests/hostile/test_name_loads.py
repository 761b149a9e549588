"""What loads under an allowlisted package's name, and what yarn and a compact package.json run
the migration tool with (red team R82a B2, B15, B11; issue #53).

Each scenario is a repository the red team ran for real (knex 3.1, patch-package 8, yarn 4.5,
PostgreSQL 15): the users table was dropped while pgfence 07666381's gate exited 0:
- B2: `require("dayjs")` (allowlisted) loads the repository's code through a package.json named
  dayjs with "exports" (Node's self-reference), a committed db/node_modules/dayjs, or a
  patch-package patch applied by postinstall;
- B15: .yarnrc.yml's yarnPath has `yarn migrate` run a committed .yarn/releases/*.cjs, and
  .env.yarn gives every yarn script NODE_OPTIONS;
- B3: tsconfig-paths reads a tsconfig starting with a byte-order mark, and one found from the
  folder a command cds into;
- B11: a package.json written without a blank after the colon hid node's --env-file and a
  $npm_package_config_x among node's options.
The controls (an installed, untracked node_modules; a yarn project without yarnPath; compact
scripts that preload nothing) stay clean.

    test_name_loads.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main, write  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402
from test_tool_loads import analyze  # noqa: E402

KNEXFILE = "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n"
MIGRATION = ('const dayjs = require("dayjs");\n'
             'exports.up = async (knex) => {\n  console.log("migrating at", dayjs().format());\n  await knex.raw("SELECT 1");\n};\n'
             "exports.down = async () => {};\n")
DROP = ('const { Client } = require("pg");\n'
        "const c = new Client({ connectionString: process.env.DATABASE_URL });\n"
        'module.exports = () => ({ format: () => "now" });\n'
        'module.exports.done = c.connect().then(() => c.query("DROP TABLE IF EXISTS users")).then(() => c.end());\n')
DEPS = {"knex": "3.1.0", "pg": "8.11.0", "dayjs": "1.11.10"}


def package(scripts, **more):
    return json.dumps({"name": "app", "scripts": scripts, "dependencies": DEPS, **more}, indent=2) + "\n"


BASE = {"knexfile.js": KNEXFILE, "package.json": package({"migrate": "knex migrate:latest"}),
        "migrations/20240101000000_stamp.js": MIGRATION}


def pr_sarif(s):
    s.start_double()
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--sarif", os.path.join(s.tmp, "pr.sarif"))
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    return pr, [(r["ruleId"], urllib.parse.unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
                 r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]]


def analyze_unknown(s, path, line):
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr[-800:]}")
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")


def pr_unknown(s, path, line):
    pr, results = pr_sarif(s)
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    check(any(rule in ("unknown-statement", "migration-tool-settings-changed") and (p, n) == (path, line) for rule, p, n in results),
          f"pr: {path}:{line} needs a person: {results}")


def self_reference(s):
    """B2 selfref: the package.json is named dayjs and exports lib/dayjs.js, which Node loads for
    `require("dayjs")` before node_modules (require.resolve printed lib/dayjs.js)."""
    pkg = json.dumps({"name": "dayjs", "private": True, "exports": {".": "./lib/dayjs.js"}, "scripts": {"migrate": "knex migrate:latest"},
                      "dependencies": DEPS}) + "\n"
    base = {**BASE, "package.json": pkg, "lib/dayjs.js": 'module.exports = () => ({ format: () => "now" });\n'}
    pull_request(s, {"lib/dayjs.js": DROP}, base)
    analyze_unknown(s, "migrations/20240101000000_stamp.js", 1)
    pr_unknown(s, "lib/dayjs.js", 1)  # the pull request changes only the package's own file


def committed_node_modules(s):
    """B2 nm_commit: a committed db/node_modules/dayjs shadows the installed package for
    db/migrations (Node looks in each ancestor folder's node_modules, the nearest first)."""
    knexfile = "module.exports = { client: 'pg', migrations: { directory: './db/migrations' } };\n"
    base = {"knexfile.js": knexfile, "package.json": BASE["package.json"], "db/migrations/20240101000000_stamp.js": MIGRATION}
    pull_request(s, {"db/node_modules/dayjs/index.js": DROP}, base)
    analyze_unknown(s, "db/migrations/20240101000000_stamp.js", 1)
    pr_unknown(s, "db/node_modules/dayjs/index.js", 1)


def patch_package(s):
    """B2 patchpkg: postinstall runs patch-package, whose patches/dayjs+1.11.10.patch prepends
    driver code to dayjs.min.js."""
    patch = ("diff --git a/node_modules/dayjs/dayjs.min.js b/node_modules/dayjs/dayjs.min.js\n"
             "--- a/node_modules/dayjs/dayjs.min.js\n+++ b/node_modules/dayjs/dayjs.min.js\n@@ -1 +1,2 @@\n"
             '+require("pg");\n !function(t,e){}\n')
    base = {**BASE, "package.json": package({"postinstall": "patch-package", "migrate": "knex migrate:latest"})}
    pull_request(s, {"patches/dayjs+1.11.10.patch": patch}, base)
    analyze_unknown(s, "migrations/20240101000000_stamp.js", 1)
    pr_unknown(s, "patches/dayjs+1.11.10.patch", 1)


def yarn_path(s):
    """B15 yarnpath: yarn runs .yarnrc.yml's yarnPath in place of itself; the committed release
    preloads code into knex."""
    base = {**BASE, "Procfile": "release: yarn migrate\n", ".yarnrc.yml": "nodeLinker: node-modules\n"}
    release = 'require("child_process").execFileSync("node", ["-r", "./lib/patch.js", "node_modules/knex/bin/cli.js", "migrate:latest"]);\n'
    pull_request(s, {".yarnrc.yml": "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.5.0.cjs\n",
                     ".yarn/releases/yarn-4.5.0.cjs": release}, base)
    # A checked-in release under .yarn/releases is taken for Yarn by analyze, and says so (review 87:
    # every Yarn 2+ project has one); the pull request that adds or changes it needs a person.
    proc, _ = analyze(s)
    check("assumed .yarn/releases/yarn-4.5.0.cjs is Yarn" in proc.stdout + proc.stderr,
          f"analyze prints the assumption: {(proc.stdout + proc.stderr)[-1500:]}")
    pr_unknown(s, ".yarn/releases/yarn-4.5.0.cjs", 1)


def env_yarn(s):
    """B15 envyarn: yarn 4 injects .env.yarn into every script, NODE_OPTIONS among its variables."""
    base = {**BASE, "Procfile": "release: yarn migrate\n", ".yarnrc.yml": "nodeLinker: node-modules\n"}
    pull_request(s, {".env.yarn": "# yarn's environment\nNODE_OPTIONS=--require ./lib/patch.js\n", "lib/patch.js": DROP}, base)
    analyze_unknown(s, ".env.yarn", 2)
    pr_unknown(s, ".env.yarn", 2)


def compact_env_file(s):
    """B11 envfile: `"migrate":"node --env-file=…"` with no blank after the colon."""
    pkg = ('{"name":"app","scripts":{"migrate":"node --env-file=.env.production node_modules/knex/bin/cli.js migrate:latest"},'
           '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n')
    pull_request(s, {"package.json": pkg, ".env.production": "NODE_OPTIONS=--require ./lib/patch.js\n", "lib/patch.js": DROP}, BASE)
    analyze_unknown(s, "package.json", 1)


def compact_config_variable(s):
    """B11 compact_var: node's options from $npm_package_config_o in a compact package.json."""
    pkg = ('{"name":"app","config":{"o":"-r ./lib/patch.js"},"scripts":{"migrate":"node $npm_package_config_o node_modules/knex/bin/cli.js migrate:latest"},'
           '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n')
    pull_request(s, {"package.json": pkg, "lib/patch.js": DROP}, BASE)
    analyze_unknown(s, "package.json", 1)


def control_name_loads(s):
    """An installed (untracked, ignored) node_modules/dayjs, a patch of another package, a yarn
    project without yarnPath and a compact package.json with plain scripts stay clean."""
    pkg = ('{"name":"app","scripts":{"postinstall":"patch-package","migrate":"node node_modules/knex/bin/cli.js migrate:latest"},'
           '"dependencies":{"knex":"3.1.0","pg":"8.11.0","dayjs":"1.11.10"}}\n')
    base = {**BASE, "package.json": pkg, ".gitignore": "node_modules\n", ".yarnrc.yml": "nodeLinker: node-modules\n",
            "Procfile": "release: yarn migrate\n", "patches/left-pad+1.3.0.patch": "--- a\n+++ b\n"}
    pull_request(s, {"migrations/20240201000000_more.js": MIGRATION}, base)
    write(os.path.join(s.repo, "node_modules/dayjs/index.js"), "module.exports = () => ({ format: () => 'now' });\n")
    proc, found = analyze(s)
    check(proc.returncode == 0 and not [f for f in found if f["rule"] == "unknown-statement"],
          f"analyze: nothing is unknown: exit {proc.returncode} {found}\n{proc.stderr[-500:]}")
    pr, results = pr_sarif(s)
    check(pr.returncode == 0 and not [r for r in results if r[0] == "unknown-statement"], f"pr: nothing is unknown: {pr.returncode} {results}")


def tsconfig_bom(s):
    """B3 tsc_bom: tsconfig-paths strips a byte-order mark and maps `dayjs` to the dayjs.js beside
    tsconfig's baseUrl "."."""
    pkg = package({"migrate": "node -r tsconfig-paths/register node_modules/knex/bin/cli.js migrate:latest"})
    pull_request(s, {"tsconfig.json": '\ufeff{"compilerOptions":{"baseUrl":"."}}', "dayjs.js": DROP, "package.json": pkg}, BASE)
    analyze_unknown(s, "migrations/20240101000000_stamp.js", 1)


def tsconfig_cd(s):
    """B3 tsc_cwd: the release command cds into tools/db, whose tsconfig's baseUrl tsconfig-paths
    reads from the working folder."""
    release = ("release: cd tools/db && node -r tsconfig-paths/register ../../node_modules/knex/bin/cli.js "
               "--knexfile ../../knexfile.js migrate:latest\n")
    pull_request(s, {"Procfile": release, "tools/db/tsconfig.json": '{"compilerOptions":{"baseUrl":"../.."}}\n', "dayjs.js": DROP}, BASE)
    analyze_unknown(s, "Procfile", 1)


PAD = " " * ((1 << 20) + 16)  # JSON whitespace: past the 1 MiB pgfence reads of a manifest


def oversized_manifest(s):
    """cap86: a package.json padded past 1 MiB maps the allowlisted `dayjs` to the repository's
    lib/dayjs (`file:`), which npm installs under the name; pgfence read no mapping and said clean."""
    pkg = json.dumps({"name": "app", "scripts": {"migrate": "knex migrate:latest"},
                      "dependencies": {**DEPS, "dayjs": "file:./lib/dayjs"}})
    pkg = pkg[:-1] + PAD + "}\n"
    base = {**BASE, "lib/dayjs/package.json": '{"name": "dayjs", "main": "index.js"}\n',
            "lib/dayjs/index.js": 'module.exports = () => ({ format: () => "now" });\n'}
    pull_request(s, {"package.json": pkg, "lib/dayjs/index.js": DROP}, base)
    analyze_unknown(s, "migrations/20240101000000_stamp.js", 1)


def oversized_workspace_package(s):
    """cap86: an npm workspace package named dayjs whose package.json is padded past 1 MiB: npm
    links it into node_modules/dayjs, so `require("dayjs")` loads it; its name was never read."""
    pkg = json.dumps({"name": "app", "private": True, "workspaces": ["packages/*"], "scripts": {"migrate": "knex migrate:latest"},
                      "dependencies": DEPS}) + "\n"
    member = '{"name": "dayjs",' + PAD + '"main": "index.js"}\n'
    base = {**BASE, "package.json": pkg, "packages/util/package.json": '{"name": "util-x"}\n'}
    pull_request(s, {"packages/dayjs/package.json": member, "packages/dayjs/index.js": DROP}, base)
    analyze_unknown(s, "migrations/20240101000000_stamp.js", 1)



def script_named_control(s):
    """A script named as a package (`"dayjs": "node scripts/dayjs.js"`, TypeORM projects' usual
    `"typeorm": "ts-node ..."`) maps nothing: the migration's `require("dayjs")` stays clean
    (stranger review 86: every migration of such a project was unknown)."""
    pkg = json.dumps({"name": "app", "scripts": {"migrate": "knex migrate:latest", "dayjs": "node scripts/dayjs.js --watch"},
                      "dependencies": DEPS}, indent=2) + "\n"
    pull_request(s, {"migrations/20240201000000_more.js": MIGRATION}, {**BASE, "package.json": pkg, ".gitignore": "node_modules\n"})
    proc, found = analyze(s)
    check(proc.returncode == 0 and not [f for f in found if f["rule"] == "unknown-statement"],
          f"analyze: nothing is unknown: exit {proc.returncode} {found}\n{proc.stderr[-500:]}")
    pkg = pkg.replace('"dayjs": "1.11.10"', '"dayjs": "file:./lib/dayjs"')
    with open(os.path.join(s.repo, "package.json"), "w") as f:
        f.write(pkg)
    proc, found = analyze(s)
    check(unknown_at(found, "migrations/20240101000000_stamp.js", 1), f"a dependency's file: mapping is still unknown: {found}")


SCENARIOS = {
    "tsconfig_bom": tsconfig_bom,
    "tsconfig_cd": tsconfig_cd,
    "self_reference": self_reference,
    "committed_node_modules": committed_node_modules,
    "patch_package": patch_package,
    "yarn_path": yarn_path,
    "env_yarn": env_yarn,
    "compact_env_file": compact_env_file,
    "compact_config_variable": compact_config_variable,
    "control_name_loads": control_name_loads,
    "oversized_manifest": oversized_manifest,
    "oversized_workspace_package": oversized_workspace_package,
    "script_named_control": script_named_control,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
