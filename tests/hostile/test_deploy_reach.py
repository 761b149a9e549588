"""Deploy commands that reached the tool past pgfence 432d3fdf (red team R81a B3-B9, issue #53).

Each tree is R81a's repro: the real tool dropped users while `analyze --no-config --ci --unknown block
--max-risk low` exited 0. node-pg-migrate's other bin names (node-pg-migrate-cjs), a verb the shell
computes or joins from quotes (`migrate:$ACTION`, `migrate:'rollback'`), an env word that is no test
(`SENTRY_ENV=dev`, knex `--env development` without environments), a helper name matched inside a
word (`release-zero-downtime`, `deploy-with-preset.sh`), a script of another package (`npm --prefix`,
`cd DIR &&`, `-w`), command files pgfence did not read (Containerfile, *.dockerfile, GitLab includes,
.ebextensions, .do/app.yaml, netlify.toml) and npm's install-time scripts (`prepare`). Each is unknown
at its line; the controls stay clean.

    test_deploy_reach.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, clean, gate_both, workflow  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402

WF = ".github/workflows/deploy.yml"
SYNC = "knex migrate:rollback --all && knex migrate:latest"
ROLLBACK = "npx knex migrate:rollback --all && npx knex migrate:latest"


def gate(s, head, path, line, base=KNEX):
    """`analyze --ci` fails with an unknown at `path`:`line`."""
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr}")
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")


def job(*steps, env=None, matrix=None):
    text = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
    if matrix:
        text += "    strategy:\n      matrix:\n" + "".join(f"        {k}: [{v}]\n" for k, v in matrix.items())
    if env:
        text += "    env:\n" + "".join(f"      {k}: {v}\n" for k, v in env.items())
    text += "    steps:\n      - uses: actions/checkout@v4\n"
    return text + "".join(f"      - run: {s}\n" for s in steps)


NPG = {"package.json": '{"name": "app", "dependencies": {"node-pg-migrate": "7.9.1", "pg": "8.11.0"}}\n',
       "migrations/1700000000000_users.js": "exports.up = (pgm) => { pgm.sql('SELECT 1') };\n"}


# B3: node-pg-migrate 7's package.json `bin` also names node-pg-migrate-cjs and -esm.
def np_cjs_redo(s):
    gate_both(s, {WF: workflow("npm ci", "npx node-pg-migrate-cjs redo")}, WF, 8, base=NPG)


def np_esm_script(s):
    gate(s, {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "node-pg-migrate-esm down"\n  }\n}\n'}, "package.json", 4, base=NPG)


def np_cjs_pair(s):
    """node-pg-migrate runs X.down.sql as an up migration: not skipped as a down half."""
    pull_request(s, {WF: workflow("npx node-pg-migrate-cjs@7 up -m db/migrations"),
                     "db/migrations/1700000000000_init.down.sql": "DROP TABLE users;\n",
                     "db/migrations/1700000000000_init.up.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n"},
                 {"package.json": '{"name":"app","private":true}\n'})
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci exits 1: {proc.returncode}\n{proc.stderr}")
    check(any(f["path"] == "db/migrations/1700000000000_init.down.sql" for f in found), f"the .down.sql is analysed: {found}")


# B4: the verb the shell computes or joins.
def wf_envvar(s):
    gate_both(s, {WF: job("npm ci", "npx knex migrate:$ACTION --all", env={"ACTION": "rollback"})}, WF, 10)


def wf_matrix(s):
    gate(s, {WF: job("npm ci", "npx knex migrate:${{ matrix.action }} --all", matrix={"action": "rollback"})}, WF, 11)


def wf_envcmd(s):
    gate(s, {WF: job("npm ci", "npx knex $STEP", env={"STEP": "migrate:rollback"})}, WF, 10)


def wf_subst(s):
    gate(s, {WF: workflow("npx knex $(cat .deploy-verb) --all")}, WF, 7)


def wf_quote(s):
    gate_both(s, {WF: workflow("npm ci", "npx knex migrate:'rollback' --all")}, WF, 8)


# B5: an env word is no test run.
def kx_deployenv(s):
    gate(s, {"Procfile": f"release: SENTRY_ENV=dev {ROLLBACK}\nweb: npm start\n"}, "Procfile", 1)


def kx_envdev(s):
    """knex takes the whole knexfile when it has no such environment (cli-config-utils.js)."""
    gate(s, {"Procfile": "release: npx knex migrate:rollback --all --env development && npx knex migrate:latest\nweb: npm start\n"}, "Procfile", 1)


def db_migrate_dev(s):
    """db-migrate's default env is dev."""
    gate(s, {"Procfile": "release: npx db-migrate reset -e dev && npx db-migrate up\n"}, "Procfile", 1)


# B6: helper names match whole words.
def mk_downtime(s):
    gate(s, {WF: workflow("npm ci", "make release-zero-downtime"),
             "Makefile": ".PHONY: release-zero-downtime\nrelease-zero-downtime:\n\tnpx knex migrate:rollback --all\n\tnpx knex migrate:latest\n"},
         "Makefile", 3)


def sh_preset(s):
    gate(s, {"scripts/deploy-with-preset.sh": "#!/bin/sh\nset -e\nnpx knex migrate:rollback --all\nnpx knex migrate:latest\n"},
         "scripts/deploy-with-preset.sh", 3)


# B7: a script of another package.
WS_ROOT = {"package.json": '{"name":"root","private":true,"workspaces":["packages/*"]}\n',
           "packages/db/knexfile.js": KNEX["knexfile.js"],
           "packages/db/package.json": '{"name":"@app/db","scripts":{"migrate":"knex migrate:latest","db:sync":"' + SYNC + '"},'
                                       '"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
           "packages/db/migrations/20240101000000_users.js": KNEX["migrations/20240101000000_users.js"]}


def ws_prefix(s):
    gate(s, {WF: workflow("npm ci", "npm --prefix packages/db run db:sync")}, WF, 8, base=WS_ROOT)


def ws_cd(s):
    gate(s, {WF: workflow("npm ci", "cd packages/db && npm run db:sync")}, WF, 8, base=WS_ROOT)


def ws_w(s):
    gate(s, {WF: workflow("npm ci", "npm run db:sync -w @app/db")}, WF, 8, base=WS_ROOT)


def ws_yarn(s):
    gate(s, {WF: workflow("yarn install", "yarn workspace @app/db run db:sync")}, WF, 8, base=WS_ROOT)


def ws_unresolved(s):
    """A workspace pgfence cannot find is unknown."""
    gate(s, {WF: workflow("npm ci", "pnpm --filter @app/elsewhere db:sync")}, WF, 8, base=WS_ROOT)


# B8: command files.
def containerfile(s):
    gate_both(s, {"Containerfile": f"FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD {ROLLBACK} && node server.js\n"}, "Containerfile", 5)


def lc_dockerfile(s):
    gate(s, {"docker/migrate.dockerfile": f"FROM node:20\nCOPY . .\nCMD {ROLLBACK}\n"}, "docker/migrate.dockerfile", 3)


def gl_include(s):
    gate(s, {".gitlab-ci.yml": "include:\n  - local: .gitlab/ci/deploy.yml\n",
             ".gitlab/ci/deploy.yml": f"deploy:\n  stage: deploy\n  script:\n    - {ROLLBACK}\n"}, ".gitlab/ci/deploy.yml", 4)


def gl_include_elsewhere(s):
    """An included file pgfence does not read as commands: unknown at the include."""
    gate(s, {".gitlab-ci.yml": "include:\n  - local: ci/deploy.yml\n",
             "ci/deploy.yml": f"deploy:\n  stage: deploy\n  script:\n    - {ROLLBACK}\n"}, ".gitlab-ci.yml", 2)


def ebext(s):
    gate_both(s, {".ebextensions/01_migrate.config": f'container_commands:\n  01_migrate:\n    command: "{ROLLBACK}"\n    leader_only: true\n'},
              ".ebextensions/01_migrate.config", 3)


def do_app(s):
    gate(s, {".do/app.yaml": f"name: app\njobs:\n  - name: migrate\n    kind: PRE_DEPLOY\n    run_command: {ROLLBACK}\n"}, ".do/app.yaml", 5)


def netlify(s):
    gate(s, {"netlify.toml": f'[build]\n  command = "{ROLLBACK} && npm run build"\n'}, "netlify.toml", 2)


# B9: npm install runs prepare.
def npm_prepare(s):
    gate(s, {WF: workflow("npm install", "npm start"),
             "package.json": '{\n  "name": "app",\n  "scripts": {\n    "prepare": "' + SYNC + '",\n    "start": "node server.js"\n  }\n}\n'},
         "package.json", 4)


def control_reach(s):
    """Ordinary forms stay clean: a connection string after a flag or goose's driver, quoted verbs
    that are no down, a test helper target, a workspace's migrate script, a GitLab include read,
    yarn's own `yarn npm audit`."""
    clean(s, {WF: workflow('npx knex migrate:latest --connection "$DATABASE_URL"', "npx knex 'migrate:latest'",
                           'goose -dir migrations postgres "$DATABASE_URL" up', "npm run migrate -w @app/db",
                           "cd packages/db && npm run migrate", "yarn npm audit --recursive"),
              "Makefile": "test-db:\n\tnpx knex migrate:rollback --all\n",
              ".gitlab-ci.yml": "include:\n  - local: .gitlab/ci/build.yml\n",
              ".gitlab/ci/build.yml": "build:\n  script:\n    - npx knex migrate:latest\n",
              "package.json": '{"name":"root","private":true,"workspaces":["packages/*"],"scripts":{"postinstall":"patch-package"}}\n'},
          base={**WS_ROOT, "packages/db/package.json": '{"name":"@app/db","scripts":{"migrate":"knex migrate:latest"}}\n'})


SCENARIOS = {f.__name__: f for f in [np_cjs_redo, np_esm_script, np_cjs_pair, wf_envvar, wf_matrix, wf_envcmd, wf_subst, wf_quote,
                                      kx_deployenv, kx_envdev, db_migrate_dev, mk_downtime, sh_preset, ws_prefix, ws_cd, ws_w, ws_yarn,
                                      ws_unresolved, containerfile, lc_dockerfile, gl_include, gl_include_elsewhere, ebext, do_app, netlify,
                                      npm_prepare, control_reach]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
