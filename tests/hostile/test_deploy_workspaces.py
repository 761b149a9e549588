"""Deploy commands that run a task in each workspace package of a monorepo (issue #53): `turbo run X`,
`lerna run X`, `nx run-many -t X`, `nx run P:X`, `pnpm -r run X`, `pnpm --filter P run X`, `npm run X
--workspaces`, `npm -w P run X`, `yarn workspaces foreach run X`. On b5a80b38 each was unknown (rallly's
`turbo type-check`, `turbo test:unit`, `turbo build:test`: false unknowns); now each package's script of
that name is read from its folder, with turbo.json's dependsOn, so a harmless monorepo is clean and a
package's reset or drop is reported naming the package. What pgfence cannot resolve (a workspace pattern
leaving the repository, turbo.jsonc, an nx project.json target) stays unknown at its line.

    test_deploy_workspaces.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, clean, gate_analyze, gate_both, workflow  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

WF = ".github/workflows/ci.yml"
MIGRATION = ('CREATE TABLE "User" (id serial PRIMARY KEY, email text);\n'
             'CREATE INDEX "User_email_idx" ON "User"(email);\n')


def pkg(name, **scripts):
    return json.dumps({"name": name, "private": True, "scripts": scripts,
                       "dependencies": {"@prisma/client": "5.22.0", "prisma": "5.22.0"}}, indent=2) + "\n"


def turbo_repo(db_scripts, turbo_tasks=None, web_scripts=None):
    """A pnpm and turbo monorepo as rallly's: apps/web, packages/db with Prisma's migrations."""
    tasks = turbo_tasks or {"build": {"dependsOn": ["^build"]}, "type-check": {"dependsOn": ["^db:generate"]},
                            "test": {}, "build:test": {"dependsOn": ["^build"]}, "db:generate": {"cache": False}}
    return {
        "package.json": json.dumps({"name": "mono", "private": True, "scripts": {"type-check": "turbo type-check", "test:unit": "turbo test"},
                                    "devDependencies": {"turbo": "2.5.0"}}, indent=2) + "\n",
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
        "turbo.json": json.dumps({"$schema": "https://turbo.build/schema.json", "tasks": tasks}, indent=2) + "\n",
        "packages/db/package.json": pkg("@app/db", **db_scripts),
        "packages/db/prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
        "packages/db/prisma/migrations/20240101000000_init/migration.sql": MIGRATION,
        "apps/web/package.json": pkg("@app/web", **(web_scripts or {"type-check": "tsc --noEmit", "test": "vitest run", "build": "next build",
                                                                    "build:test": "next build"})),
    }


DB = {"db:generate": "prisma generate", "type-check": "tsc --noEmit", "build": "tsc"}


def unknown_naming(s, head, line, *words):
    """`analyze --ci` fails with an unknown at the workflow's `line` whose message names each of `words`."""
    gate_analyze(s, head, WF, line)
    _, found = analyze(s)
    at = [f["message"] for f in found if f["rule"] == "unknown-statement" and f["path"] == WF and f["line"] == line]
    check(any(all(w in m for w in words) for m in at), f"the unknown at {WF}:{line} names {words}: {at}")


# (a) A turbo monorepo's CI: every task is each package's script, read and harmless.
def turbo_ci_clean(s):
    clean(s, {**turbo_repo(DB), WF: workflow("pnpm install", "pnpm turbo run type-check test", "pnpm type-check", "pnpm test:unit",
                                             "pnpm turbo build:test --filter=@app/web", "npx turbo run web#build")})


# (b) `turbo run setup` runs packages/db's `prisma migrate deploy`: read as the direct script is.
def turbo_prisma_deploy(s):
    direct = {**turbo_repo({**DB, "setup": "prisma migrate deploy"}), WF: workflow("cd packages/db && npm run setup")}
    pull_request(s, direct)
    _, found_direct = analyze(s)
    with open(os.path.join(s.repo, WF), "w") as f:
        f.write(workflow("npx turbo run setup --filter=@app/db", "npx turbo run setup"))
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")
    migration = [(f["rule"], f["line"]) for f in found if f["path"].endswith("migration.sql")]
    check(migration == [(f["rule"], f["line"]) for f in found_direct if f["path"].endswith("migration.sql")],
          f"the Prisma migration reads as with the direct script: {migration} vs {found_direct}")


# (c) A package's script that drops, reached through pnpm -r.
def pnpm_recursive_psql_drop(s):
    head = {**turbo_repo({**DB, "migrate": "psql -f drop.sql"}), "packages/db/drop.sql": 'DROP TABLE "User";\n',
            WF: workflow("pnpm -r run migrate")}
    pull_request(s, head)
    proc, found = analyze(s)
    check(any(f["rule"] == "drop-table" and f["path"] == "packages/db/drop.sql" for f in found), f"drop.sql's DROP TABLE is reported: {found}")
    check(proc.returncode == 1, f"analyze --ci fails: {proc.returncode}")


def pnpm_recursive_reset(s):
    unknown_naming(s, {**turbo_repo({**DB, "migrate": "prisma migrate reset --force"}), WF: workflow("pnpm -r run migrate")}, 7,
                   "packages/db", "migrate")


def pnpm_filter_reset(s):
    unknown_naming(s, {**turbo_repo({**DB, "migrate": "prisma migrate reset --force"}), WF: workflow("pnpm --filter '@app/*' run migrate")}, 7,
                   "packages/db")


def turbo_filter_reset(s):
    unknown_naming(s, {**turbo_repo({**DB, "db:wipe": "prisma migrate reset --force"}), WF: workflow("npx turbo run db:wipe --filter=./packages/db")}, 7,
                   "packages/db", "db:wipe")


def turbo_depends_on_reset(s):
    """turbo.json: type-check depends on ^db:reset, which packages/db's script resets the database."""
    tasks = {"type-check": {"dependsOn": ["^db:reset"]}, "db:reset": {"cache": False}}
    unknown_naming(s, {**turbo_repo({**DB, "db:reset": "prisma migrate reset --force"}, tasks), WF: workflow("npx turbo run type-check")}, 7,
                   "db:reset", "packages/db")


def turbo_root_script_reset(s):
    """The root's `"check": "turbo check"`, a package's check resets: named through both."""
    head = turbo_repo({**DB, "check": "prisma migrate reset --force"})
    head["package.json"] = json.dumps({"name": "mono", "private": True, "scripts": {"check": "turbo check"}}) + "\n"
    unknown_naming(s, {**head, WF: workflow("pnpm check")}, 7, "packages/db")


# (d) npm's, lerna's, nx's and yarn's forms.
def npm_lerna_nx_forms_clean(s):
    files = {
        "package.json": json.dumps({"name": "mono", "private": True, "workspaces": {"packages": ["packages/*", "apps/**", "!apps/legacy"]}}) + "\n",
        "lerna.json": json.dumps({"version": "independent", "packages": ["packages/*", "apps/web"]}) + "\n",
        "nx.json": json.dumps({"targetDefaults": {"test": {"dependsOn": ["^build"]}}}) + "\n",
        "packages/db/package.json": pkg("@app/db", test="vitest run", build="tsc", migrate="prisma migrate deploy"),
        "packages/db/prisma/migrations/20240101000000_init/migration.sql": MIGRATION,
        "apps/web/package.json": pkg("@app/web", test="vitest run", build="next build"),
        "apps/legacy/package.json": pkg("@app/legacy", test="prisma migrate reset --force"),
        WF: workflow("npx lerna run test --scope '@app/*'", "npx nx run-many -t test -p @app/web", "npx nx run @app/web:test",
                     "npx nx test @app/db", "npm run test --workspaces", "npm -w @app/web run test", "npm run test -w apps/web",
                     "yarn workspaces foreach -A run test", "pnpm --filter './apps/*' run test"),
    }
    clean(s, files)


def lerna_scope_reset(s):
    files = {"package.json": json.dumps({"name": "mono", "private": True}) + "\n",
             "lerna.json": json.dumps({"version": "independent", "packages": ["packages/*"]}) + "\n",
             "packages/db/package.json": pkg("@app/db", seed="prisma migrate reset --force"),
             "packages/web/package.json": pkg("@app/web", seed="node seed.js"),
             WF: workflow("npx lerna run seed --scope @app/db")}
    unknown_naming(s, files, 7, "packages/db")


def nx_project_target(s):
    """An nx project.json target's command is not read: unknown, naming it."""
    files = {"package.json": json.dumps({"name": "mono", "private": True, "workspaces": ["libs/*"]}) + "\n",
             "nx.json": "{}\n",
             "libs/db/package.json": pkg("db", test="vitest"),
             "libs/db/project.json": json.dumps({"name": "db", "targets": {"migrate": {"command": "prisma migrate reset --force"}}}) + "\n",
             WF: workflow("npx nx run-many -t migrate")}
    unknown_naming(s, files, 7, "project.json")


# (e) What pgfence cannot resolve stays unknown.
def workspace_outside(s):
    files = {**turbo_repo(DB), "pnpm-workspace.yaml": "packages:\n  - ../shared/*\n  - apps/*\n", WF: workflow("pnpm -r run test")}
    unknown_naming(s, files, 7, "../shared/*")


def turbo_jsonc(s):
    files = turbo_repo(DB)
    files["turbo.jsonc"] = files.pop("turbo.json")
    unknown_naming(s, {**files, WF: workflow("npx turbo run type-check")}, 7, "turbo.jsonc")


# (f) Release tools run lifecycle scripts in each package (red team R85a F1's neighbours): lerna
# publish and version (root and packages), changesets' publish, yarn's foreach pack / npm publish,
# and a script running `npm publish --workspaces`, whose postpack was not read past prepublishOnly.
def release_repo(db_scripts, root_scripts=None, lerna_only=False):
    root = {"name": "mono", "private": True, "scripts": root_scripts or {}}
    if not lerna_only:
        root["workspaces"] = ["packages/*"]
    return {"package.json": json.dumps(root) + "\n",
            "lerna.json": json.dumps({"version": "independent", "packages": ["packages/*"]}) + "\n",
            "packages/db/package.json": pkg("@app/db", build="tsc", **db_scripts),
            "packages/db/prisma/migrations/20240101000000_init/migration.sql": MIGRATION,
            "packages/web/package.json": pkg("@app/web", build="next build", prepack="npm run build")}


RESET = "prisma migrate reset --force"


def lerna_publish_reset(s):
    unknown_naming(s, {**release_repo({"postpublish": RESET}, lerna_only=True), WF: workflow("npx lerna publish from-package --yes")}, 7,
                   "packages/db", "postpublish")


def lerna_version_root_reset(s):
    unknown_naming(s, {**release_repo({}, {"preversion": RESET}), WF: workflow("npx lerna version --conventional-commits --yes")}, 7,
                   "preversion")


def changeset_publish_reset(s):
    unknown_naming(s, {**release_repo({"prepack": RESET}), WF: workflow("pnpm changeset publish")}, 7, "packages/db", "prepack")


def yarn_foreach_publish_reset(s):
    unknown_naming(s, {**release_repo({"postpack": RESET}), WF: workflow("yarn workspaces foreach -A --no-private npm publish")}, 7,
                   "packages/db", "postpack")


def script_publish_workspaces_reset(s):
    """The fifth script npm publish runs (postpack), through a root script: every one is read."""
    unknown_naming(s, {**release_repo({"postpack": RESET}, {"release": "npm publish --workspaces"}), WF: workflow("npm run release")}, 7,
                   "packages/db", "postpack")


def release_it_root_reset(s):
    """release-it and np run npm version and publish where they run: the root's preversion resets."""
    unknown_naming(s, {**release_repo({}, {"preversion": RESET}), WF: workflow("npx release-it --ci", "npx np --yolo")}, 7, "preversion")


def control_release_clean(s):
    """Ordinary release scripts (build before pack) through every form, lerna's --ignore-scripts
    over a reset, and `changeset version` (no scripts) stay clean."""
    files = release_repo({"prepack": "npm run build"}, {"release": "npm publish --workspaces"})
    files["packages/hook/package.json"] = pkg("@app/hook", postversion=RESET)
    clean(s, {**files, WF: workflow("npx lerna publish from-package --yes --ignore-scripts", "npx changeset publish", "npx release-it --ci",
                                    "npx changeset version", "yarn workspaces foreach -A pack", "npm run release")})


# (g) Release tools whose lifecycle scripts and hooks were not read (red team R86b U1): lerna-lite
# (lerna's lifecycle), semantic-release (@semantic-release/npm runs npm version and npm publish;
# @semantic-release/exec's commands), release-it's hooks, and lerna publish in a lerna-only monorepo.
ROLLBACK = "knex migrate:rollback --all"


def app(scripts=None, **extra):
    return json.dumps({"name": "app", "version": "1.0.0", "scripts": scripts or {}, **extra,
                       "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}, indent=2) + "\n"


def unknown_lines(s, head, lines):
    """`analyze --ci` fails with an unknown at each workflow line of `lines` whose message names its words."""
    gate_analyze(s, head, WF, min(lines))
    _, found = analyze(s)
    for line, words in lines.items():
        at = [f["message"] for f in found if f["rule"] == "unknown-statement" and f["path"] == WF and f["line"] == line]
        check(any(all(w in m for w in words) for m in at), f"the unknown at {WF}:{line} names {words}: {at}")


def lerna_lite_root_reset(s):
    unknown_lines(s, {**release_repo({}, {"prepack": ROLLBACK}),
                      WF: workflow("npx @lerna-lite/cli publish --yes", "npx lerna-lite publish from-package --yes")},
                  {7: ["prepack"], 8: ["prepack"]})


def lerna_lite_package_reset(s):
    unknown_lines(s, {**release_repo({"preversion": ROLLBACK}), WF: workflow("npx @lerna-lite/cli@3 version --yes")},
                  {7: ["packages/db", "preversion"]})


def semantic_release_root_reset(s):
    unknown_lines(s, {"package.json": app({"prepublishOnly": ROLLBACK}), WF: workflow("npx semantic-release")}, {7: ["prepublishOnly"]})


def semantic_release_script_reset(s):
    """Through a package script, and a version script: npm version runs it."""
    unknown_lines(s, {"package.json": app({"release": "semantic-release --ci", "version": ROLLBACK}), WF: workflow("npm run release")},
                  {7: ["version"]})


EXEC = {"plugins": ["@semantic-release/commit-analyzer", ["@semantic-release/exec", {"prepareCmd": "npx " + ROLLBACK}]]}


def semantic_release_exec_rc(s):
    unknown_lines(s, {"package.json": app(), ".releaserc.json": json.dumps(EXEC, indent=2) + "\n", WF: workflow("npx semantic-release")},
                  {7: [".releaserc.json", "prepareCmd"]})


def semantic_release_exec_package(s):
    unknown_lines(s, {"package.json": app(release=EXEC), WF: workflow("npx semantic-release")}, {7: ["package.json", "prepareCmd"]})


def semantic_release_exec_yaml(s):
    rc = ("branches: [main]\nplugins:\n  - '@semantic-release/commit-analyzer'\n  - - '@semantic-release/exec'\n"
          "    - publishCmd: |\n        echo publishing\n        npx " + ROLLBACK + "\n")
    unknown_lines(s, {"package.json": app(), ".releaserc": rc, WF: workflow("npx semantic-release")}, {7: [".releaserc", "publishCmd"]})


def semantic_release_exec_script(s):
    """An exec command that runs a repository script: the script's lines are read."""
    rc = {"plugins": [["@semantic-release/exec", {"prepareCmd": "./scripts/prepare.sh ${nextRelease.version}"}]]}
    unknown_lines(s, {"package.json": app(), ".releaserc.json": json.dumps(rc) + "\n", "scripts/prepare.sh": "#!/bin/sh\nnpx " + ROLLBACK + "\n",
                      WF: workflow("npx semantic-release")}, {7: [".releaserc.json", "prepareCmd"]})


def semantic_release_exec_js(s):
    js = "module.exports = { plugins: ['@semantic-release/commit-analyzer', ['@semantic-release/exec', { publishCmd: cmd() }]] };\n"
    unknown_lines(s, {"package.json": app(), "release.config.js": js, WF: workflow("npx semantic-release")}, {7: ["release.config.js"]})


HOOKS = {"hooks": {"before:init": ["npm test"], "after:bump": "npx " + ROLLBACK}}


def release_it_hooks_json(s):
    unknown_lines(s, {"package.json": app(), ".release-it.json": json.dumps(HOOKS, indent=2) + "\n", WF: workflow("npx release-it --ci")},
                  {7: [".release-it.json", "after:bump"]})


def release_it_hooks_package(s):
    unknown_lines(s, {"package.json": app(**{"release-it": HOOKS}), WF: workflow("npx release-it --ci")}, {7: ["package.json", "after:bump"]})


def release_it_hooks_yaml(s):
    rc = "git:\n  commit: true\nhooks:\n  before:init:\n    - npm test\n  after:release: npx " + ROLLBACK + "\n"
    unknown_lines(s, {"package.json": app(), ".release-it.yaml": rc, WF: workflow("npx release-it --ci")}, {7: [".release-it.yaml", "after:release"]})


def release_it_hooks_script(s):
    """A hook that runs a package script: read as the script."""
    hooks = {"hooks": {"after:bump": "npm run db:down"}}
    unknown_lines(s, {"package.json": app({"db:down": ROLLBACK}), ".release-it.json": json.dumps(hooks) + "\n", WF: workflow("npx release-it --ci")},
                  {7: [".release-it.json", "db:down"]})


def release_it_hooks_js(s):
    js = "export default { hooks: { 'after:bump': steps.join(' && ') } };\n"
    unknown_lines(s, {"package.json": app(), ".release-it.mjs": js, WF: workflow("npx release-it --ci")}, {7: [".release-it.mjs"]})


def lerna_only_exec_publish_reset(s):
    """A lerna-only monorepo (lerna.json "packages", no workspaces): `lerna publish` read each package's
    scripts already (lerna_publish_reset); `lerna exec -- npm publish` runs npm publish in each
    lerna package, whose prepublishOnly rolls back (`lerna exec -- npx knex ...` was read already)."""
    files = release_repo({"prepublishOnly": ROLLBACK}, lerna_only=True)
    files["lerna.json"] = json.dumps({"version": "independent", "packages": ["packages/db"]}) + "\n"
    unknown_lines(s, {**files, WF: workflow("npx lerna exec --stream -- npm publish", "npx lerna exec -- npx " + ROLLBACK)},
                  {7: ["packages/db", "prepublishOnly"], 8: ["rollback"]})


def control_release_tools_clean(s):
    """semantic-release with no scripts and no exec plugin, release-it with harmless hooks, a JS config
    without hooks, lerna-lite's publish of packages that only build, lerna exec of a build: clean."""
    files = release_repo({"prepack": "npm run build"})
    files["package.json"] = json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"], "scripts": {"build": "tsc"},
                                        "release": {"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", "@semantic-release/npm"]},
                                        "release-it": {"hooks": {"before:init": ["npm run build", "npm test"], "after:release": "echo done"}}}) + "\n"
    files["release.config.js"] = "module.exports = { branches: ['main'], plugins: ['@semantic-release/npm', '@semantic-release/github'] };\n"
    files[".release-it.cjs"] = "module.exports = { git: { requireCleanWorkingDir: true } };\n"
    files[".releaserc.yml"] = "plugins:\n  - - '@semantic-release/exec'\n    - prepareCmd: ./scripts/notes.sh ${nextRelease.version}\n"
    files["scripts/notes.sh"] = "#!/bin/sh\necho \"$1\" > VERSION\n"
    clean(s, {**files, WF: workflow("npx semantic-release", "npx release-it --ci", "npx @lerna-lite/cli publish --yes",
                                    "npx lerna exec -- npm run build", "npx lerna exec -- npm publish")})


# R87b F4: semantic-release settings reached through code, `extends` or a plugin that is a path.
RC = json.dumps({"branches": ["main"], **EXEC}, indent=2) + "\n"


def semantic_release_js_require(s):
    """A JS config that requires a JSON file holding the exec command: code pgfence does not run."""
    unknown_lines(s, {"package.json": app(), "release.config.js": 'module.exports = require("./.github/release.json");\n',
                      ".github/release.json": RC, WF: workflow("npx semantic-release")}, {7: ["release.config.js", "require"]})


def semantic_release_extends_local(s):
    """`extends` to a local file (semantic-release lib/get-config.js loads it): read as a config."""
    unknown_lines(s, {"package.json": app(), ".releaserc.json": '{ "extends": "./.github/release.json" }\n',
                      ".github/release.json": RC, WF: workflow("npx semantic-release")}, {7: [".github/release.json", "prepareCmd"]})


def semantic_release_extends_package(s):
    unknown_lines(s, {"package.json": app(), ".releaserc.yml": "extends: '@acme/release-config'\n", WF: workflow("npx semantic-release")},
                  {7: [".releaserc.yml", "@acme/release-config"]})


def semantic_release_local_plugin(s):
    """A plugin given as a path runs the repository's code at each step."""
    rc = {"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", "./scripts/release-notes.js"]}
    unknown_lines(s, {"package.json": app(), ".releaserc.json": json.dumps(rc, indent=2) + "\n",
                      "scripts/release-notes.js": 'exports.prepare = () => require("child_process").execSync("npx ' + ROLLBACK + '");\n',
                      WF: workflow("npx semantic-release")}, {7: [".releaserc.json", "line 7", "./scripts/release-notes.js"]})


def control_release_extends_clean(s):
    """`extends` to a local file with semantic-release's own plugins and a harmless exec command: clean."""
    base = {"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", "@semantic-release/npm",
                                              ["@semantic-release/exec", {"prepareCmd": "npm run build"}]]}
    clean(s, {"package.json": app({"build": "tsc"}), ".releaserc.json": '{ "extends": "./release/base.json" }\n',
              "release/base.json": json.dumps(base, indent=2) + "\n", WF: workflow("npx semantic-release")})


# R87b F5: pr reviews a change to a release tool's settings when the workflow line that runs the tool did not change.
def pr_releaserc_exec_added(s):
    base = {**KNEX, WF: workflow("npx knex migrate:latest", "npx semantic-release")}
    gate_both(s, {".releaserc.json": RC}, WF, 8, base=base, pr_at=(".releaserc.json", 10))


def pr_release_config_js_changed(s):
    """A JS config changed to require a JSON file the pull request adds: its changed line is reviewed."""
    base = {**KNEX, WF: workflow("npx knex migrate:latest", "npx semantic-release"),
            "release.config.js": "module.exports = { branches: ['main'], plugins: ['@semantic-release/npm'] };\n"}
    gate_both(s, {"release.config.js": 'module.exports = require("./.github/release.json");\n', ".github/release.json": RC}, WF, 8,
              base=base, pr_at=("release.config.js", 1))


# cfg88: @semantic-release/npm's pkgRoot: npm version and npm publish run in that folder, so its
# package.json's lifecycle scripts are the ones that run (lib/prepare.js, lib/publish.js).
NPM_ROOT = {"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", ["@semantic-release/npm", {"pkgRoot": "packages/lib"}]]}


def semantic_release_pkg_root_reset(s):
    """The published folder's prepublishOnly rolls back; the root package.json is harmless."""
    unknown_lines(s, {"package.json": app({"build": "tsc"}), ".releaserc.json": json.dumps(NPM_ROOT, indent=2) + "\n",
                      "packages/lib/package.json": json.dumps({"name": "lib", "version": "1.0.0", "scripts": {"prepublishOnly": ROLLBACK}}) + "\n",
                      WF: workflow("npx semantic-release")}, {7: [".releaserc.json", "pkgRoot", "prepublishOnly"]})


def semantic_release_pkg_root_unread(s):
    """pkgRoot as a global option in package.json naming a folder the release writes (dist), and in a
    JS config: what npm runs there is not known."""
    unknown_lines(s, {"package.json": app({"build": "tsc"}, release={"branches": ["main"], "pkgRoot": "dist"}), WF: workflow("npx semantic-release")},
                  {7: ["package.json", "pkgRoot", "dist"]})


def semantic_release_pkg_root_js(s):
    js = "module.exports = { branches: ['main'], pkgRoot: process.env.PKG_DIR, plugins: ['@semantic-release/npm'] };\n"
    unknown_lines(s, {"package.json": app(), "release.config.js": js, WF: workflow("npx semantic-release")}, {7: ["release.config.js", "pkgRoot"]})


def control_release_pkg_root_clean(s):
    """pkgRoot naming a folder whose scripts only build, and `pkgRoot: "."`: clean."""
    clean(s, {"package.json": app({"build": "tsc"}, release={"pkgRoot": "."}), ".releaserc.json": json.dumps(NPM_ROOT, indent=2) + "\n",
              "packages/lib/package.json": json.dumps({"name": "lib", "version": "1.0.0", "scripts": {"prepack": "tsc"}}) + "\n",
              WF: workflow("npx semantic-release")})


# cfg88: pr reviews a change to a file a release config loads (`extends` to a local file, a plugin
# given as a path) when neither the config nor the workflow line changed.
RELEASE_WF = workflow("npx knex migrate:latest", "npx semantic-release")


def pr_release_extends_target_changed(s):
    base = {**KNEX, WF: RELEASE_WF, ".releaserc.json": '{ "extends": "./.github/release.json" }\n',
            ".github/release.json": json.dumps({"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer"]}, indent=2) + "\n"}
    gate_both(s, {".github/release.json": RC}, WF, 8, base=base, pr_at=(".github/release.json", 10))


def pr_release_it_extends_changed(s):
    hooks = {"hooks": {"after:bump": "npm run build"}}
    base = {**KNEX, WF: workflow("npx knex migrate:latest", "npx release-it --ci"), ".release-it.json": '{ "extends": "./release/base.json" }\n',
            "release/base.json": json.dumps(hooks, indent=2) + "\n"}
    head = {"release/base.json": json.dumps({"hooks": {"after:bump": "npx " + ROLLBACK}}, indent=2) + "\n"}
    gate_both(s, head, WF, 8, base=base, pr_at=("release/base.json", 3))


def pr_release_plugin_changed(s):
    """The plugin file alone changes: pr reviews it (analyze reports the local plugin at the workflow line)."""
    rc = {"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", "./scripts/release-notes.js"]}
    base = {**KNEX, WF: RELEASE_WF, ".releaserc.json": json.dumps(rc, indent=2) + "\n",
            "scripts/release-notes.js": "exports.generateNotes = () => 'notes';\n"}
    head = {"scripts/release-notes.js": "exports.generateNotes = () => 'notes';\n"
                                        'exports.prepare = () => require("child_process").execSync("npx ' + ROLLBACK + '");\n'}
    gate_both(s, head, WF, 8, base=base, pr_at=("scripts/release-notes.js", 2))


def control_pr_release_assets_clean(s):
    """A release config's asset paths and a README change: nothing more in the pull request."""
    rc = {"branches": ["main"], "plugins": ["@semantic-release/npm", ["@semantic-release/git", {"assets": ["./CHANGELOG.md", "./dist/*.js"]}]]}
    pull_request(s, {"CHANGELOG.md": "## 1.1.0\n", "README.md": "docs\n"},
                 {**KNEX, WF: RELEASE_WF, ".releaserc.json": json.dumps(rc, indent=2) + "\n", "CHANGELOG.md": "## 1.0.0\n"})
    s.start_double()
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low")
    check(pr.returncode == 0, f"pr passes: exit {pr.returncode}\n{pr.stderr[-800:]}")

# R88 F4: nx reads a -t/--targets value as whole target names split at commas (`db:reset` is one
# target), `nx run P:T:C` by the project's targets; lerna's global options take a value. On
# 36c1dfba `-t db:reset` was project db's target reset, `--targets=lint,dbreset` one task, and
# `lerna --loglevel warn run` ran the task `warn`'s nothing: clean.
def nx_lerna_repo(scripts, *steps):
    return {"package.json": json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"]}) + "\n",
            "lerna.json": json.dumps({"packages": ["packages/*"], "version": "1.0.0"}) + "\n",
            "nx.json": "{}\n",
            "packages/api/package.json": app(scripts).replace('"name": "app"', '"name": "api"'),
            "packages/api/knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL };\n',
            "packages/web/package.json": app({"build": "tsc", "lint": "eslint ."}).replace('"name": "app"', '"name": "web"'),
            WF: workflow(*steps)}


def nx_colon_target_reset(s):
    scripts = {"build": "tsc", "lint": "eslint .", "db:reset": ROLLBACK, "dbreset": ROLLBACK}
    unknown_lines(s, nx_lerna_repo(scripts, "npx nx run-many -t db:reset", "npx nx run api:db:reset", "npx nx affected -t lint db:reset",
                                   "npx nx db:reset api", "npx nx run-many --targets=lint,dbreset", "npx nx run-many -t=db:reset",
                                   'npx nx run api:"db:reset":production'),
                  {7: ["db:reset", "packages/api"], 8: ["db:reset", "packages/api"], 9: ["db:reset", "packages/api"],
                   10: ["db:reset", "packages/api"], 11: ["dbreset", "packages/api"], 12: ["db:reset", "packages/api"],
                   13: ["db:reset", "packages/api"]})


def lerna_global_option_reset(s):
    """lerna-lite's --loglevel and --max-buffer take a value; a subcommand pgfence does not know is unknown."""
    scripts = {"build": "tsc", "db:reset": ROLLBACK}
    unknown_lines(s, nx_lerna_repo(scripts, "npx lerna --loglevel warn run db:reset", "npx lerna --max-buffer 100000 run db:reset",
                                   "npx lerna --some-new-option value run db:reset", "npx nx --some-new-option value run-many"),
                  {7: ["db:reset", "packages/api"], 8: ["db:reset", "packages/api"], 9: ["lerna", "value"], 10: ["nx"]})


def control_nx_lerna_clean(s):
    """Ordinary nx and lerna steps over harmless scripts: clean."""
    scripts = {"build": "tsc", "lint": "eslint .", "test:unit": "vitest run"}
    clean(s, nx_lerna_repo(scripts, "npx nx run-many -t build", "npx lerna run build --loglevel warn", "npx lerna --loglevel warn run build",
                           "npx nx run api:build:production", "npx nx build api", "npx nx run-many --targets=lint,build",
                           "npx nx affected -t lint test:unit", "npx nx run api:test:unit", "npx lerna version --yes --no-push",
                           "npx nx graph", "npm install -D lerna nx"))


SCENARIOS = {
    "turbo_ci_clean": turbo_ci_clean,
    "turbo_prisma_deploy": turbo_prisma_deploy,
    "pnpm_recursive_psql_drop": pnpm_recursive_psql_drop,
    "pnpm_recursive_reset": pnpm_recursive_reset,
    "pnpm_filter_reset": pnpm_filter_reset,
    "turbo_filter_reset": turbo_filter_reset,
    "turbo_depends_on_reset": turbo_depends_on_reset,
    "turbo_root_script_reset": turbo_root_script_reset,
    "npm_lerna_nx_forms_clean": npm_lerna_nx_forms_clean,
    "lerna_scope_reset": lerna_scope_reset,
    "nx_project_target": nx_project_target,
    "workspace_outside": workspace_outside,
    "turbo_jsonc": turbo_jsonc,
    "lerna_publish_reset": lerna_publish_reset,
    "lerna_version_root_reset": lerna_version_root_reset,
    "changeset_publish_reset": changeset_publish_reset,
    "yarn_foreach_publish_reset": yarn_foreach_publish_reset,
    "script_publish_workspaces_reset": script_publish_workspaces_reset,
    "release_it_root_reset": release_it_root_reset,
    "control_release_clean": control_release_clean,
    "lerna_lite_root_reset": lerna_lite_root_reset,
    "semantic_release_pkg_root_reset": semantic_release_pkg_root_reset,
    "semantic_release_pkg_root_unread": semantic_release_pkg_root_unread,
    "semantic_release_pkg_root_js": semantic_release_pkg_root_js,
    "control_release_pkg_root_clean": control_release_pkg_root_clean,
    "pr_release_extends_target_changed": pr_release_extends_target_changed,
    "pr_release_it_extends_changed": pr_release_it_extends_changed,
    "pr_release_plugin_changed": pr_release_plugin_changed,
    "control_pr_release_assets_clean": control_pr_release_assets_clean,
    "lerna_lite_package_reset": lerna_lite_package_reset,
    "semantic_release_root_reset": semantic_release_root_reset,
    "semantic_release_script_reset": semantic_release_script_reset,
    "semantic_release_exec_rc": semantic_release_exec_rc,
    "semantic_release_exec_package": semantic_release_exec_package,
    "semantic_release_exec_yaml": semantic_release_exec_yaml,
    "semantic_release_exec_script": semantic_release_exec_script,
    "semantic_release_exec_js": semantic_release_exec_js,
    "release_it_hooks_json": release_it_hooks_json,
    "release_it_hooks_package": release_it_hooks_package,
    "release_it_hooks_yaml": release_it_hooks_yaml,
    "release_it_hooks_script": release_it_hooks_script,
    "release_it_hooks_js": release_it_hooks_js,
    "lerna_only_exec_publish_reset": lerna_only_exec_publish_reset,
    "control_release_tools_clean": control_release_tools_clean,
    "semantic_release_js_require": semantic_release_js_require,
    "semantic_release_extends_local": semantic_release_extends_local,
    "semantic_release_extends_package": semantic_release_extends_package,
    "semantic_release_local_plugin": semantic_release_local_plugin,
    "control_release_extends_clean": control_release_extends_clean,
    "pr_releaserc_exec_added": pr_releaserc_exec_added,
    "pr_release_config_js_changed": pr_release_config_js_changed,
    "nx_colon_target_reset": nx_colon_target_reset,
    "lerna_global_option_reset": lerna_global_option_reset,
    "control_nx_lerna_clean": control_nx_lerna_clean,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
