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


# R82a B13: npm runs the `dependencies` script after `npm install` changes node_modules (docs.npmjs.com
# using-npm/scripts, "Life Cycle Scripts"); pnpm runs `pnpm:devPreinstall` before `pnpm install`.
def npm_dependencies(s):
    gate(s, {WF: workflow("npm install", "npm start"),
             "package.json": '{\n  "name": "app",\n  "scripts": {\n    "dependencies": "' + SYNC + '",\n    "start": "node server.js"\n  }\n}\n'},
         "package.json", 4)


def pnpm_dev_preinstall(s):
    gate(s, {WF: workflow("pnpm install", "pnpm start"),
             "package.json": '{\n  "name": "app",\n  "scripts": {\n    "pnpm:devPreinstall": "' + SYNC + '",\n    "start": "node server.js"\n  }\n}\n'},
         "package.json", 4)


# R82a B9: `typeorm query "<SQL>"` runs the SQL on the data source (typeorm src/commands/QueryCommand.ts).
TYPEORM = {"package.json": '{"name": "app", "dependencies": {"typeorm": "0.3.20", "pg": "8.11.0"}}\n',
           "data-source.js": 'const { DataSource } = require("typeorm");\nmodule.exports = new DataSource({ type: "postgres", url: '
                             'process.env.DATABASE_URL, migrations: ["migrations/*.js"] });\n',
           "migrations/1700000000000-Init.js": 'module.exports = class Init1700000000000 {\n  async up(q) { await q.query("CREATE TABLE users '
                                               '(id bigint PRIMARY KEY)"); }\n  async down(q) { await q.query("DROP TABLE users"); }\n};\n'}


def typeorm_query(s):
    gate(s, {"Procfile": 'release: npx typeorm query "DROP TABLE users" -d data-source.js\n'}, "Procfile", 1, base=TYPEORM)


def typeorm_query_ts_node(s):
    gate(s, {WF: workflow("npx typeorm-ts-node-commonjs query 'TRUNCATE users' -d data-source.js")}, WF, 7, base=TYPEORM)


def control_typeorm_query(s):
    """A readiness check that only reads stays clean, as `psql -c 'SELECT 1'` does."""
    clean(s, {WF: workflow("npx typeorm query 'SELECT 1' -d data-source.js", "npx typeorm migration:run -d data-source.js")}, base=TYPEORM)


# R82a B4: what a deploy command runs, past make's recipe prefixes, wrappers, shell options, backslashes,
# variables, xargs, and on the platforms' own command keys. bin/release rolls every batch back.
RELEASE = {"bin/release": "#!/bin/sh\nset -e\nnpx knex migrate:rollback --all\nnpx knex migrate:latest\n"}


def make_at(s):
    """Make's `@` prefix is make's (GNU make manual, "Recipe Echoing"), not part of the program's name."""
    gate(s, {WF: workflow("make deploy"), "Makefile": "deploy:\n\t@bin/release\n", **RELEASE}, WF, 7)


def wrapper_timeout(s):
    gate(s, {"Procfile": "release: timeout 600 bin/release\n", **RELEASE}, "Procfile", 1)


def wrapper_nice_flock(s):
    gate(s, {"Procfile": "release: nice -n 5 flock /tmp/m.lock chronic bin/release\n", **RELEASE}, "Procfile", 1)


def shell_option_value(s):
    """bash's -o takes a value (bash manual, "Invoking Bash"): `pipefail` is no script."""
    gate(s, {"Procfile": "release: bash -o pipefail bin/release\n", **RELEASE}, "Procfile", 1)


def backslash_verb(s):
    """The shell removes an unquoted backslash: `migrate\\:rollback` is `migrate:rollback`."""
    gate(s, {"Procfile": "release: npx knex migrate\\:rollback --all\n"}, "Procfile", 1)


def make_variable(s):
    gate(s, {"Procfile": "release: make deploy\n", "Makefile": "KNEX = npx knex\ndeploy:\n\t$(KNEX) migrate:rollback --all\n\t$(KNEX) migrate:latest\n"},
         "Procfile", 1)


def shell_variable(s):
    gate(s, {"Procfile": 'release: KNEX="npx knex"; $KNEX migrate:rollback --all && $KNEX migrate:latest\n'}, "Procfile", 1)


def program_variable_unset(s):
    """A program the environment names: unknown."""
    gate(s, {"Procfile": "release: $MIGRATE_CMD migrate:rollback --all\n"}, "Procfile", 1)


def xargs_words(s):
    gate(s, {"Procfile": "release: echo migrate:rollback --all | xargs npx knex && npx knex migrate:latest\n"}, "Procfile", 1)


def just_parameter(s):
    gate(s, {"Procfile": "release: just deploy\n",
             "justfile": 'deploy: (migrate "rollback --all") (migrate "latest")\n\nmigrate verb:\n    npx knex migrate:{{verb}}\n'}, "justfile", 4)


def script_not_in_repository(s):
    """A path in command position that names no file of the repository: what it runs is not seen."""
    gate(s, {"Procfile": "release: bin/release\n"}, "Procfile", 1)


def platform_render(s):
    gate(s, {"render.yaml": "services:\n  - type: web\n    name: app\n    preDeployCommand: ./bin/release\n", **RELEASE}, "render.yaml", 4)


def platform_fly(s):
    gate(s, {"fly.toml": '[deploy]\n  release_command = "./bin/release"\n', **RELEASE}, "fly.toml", 2)


def platform_app_json(s):
    gate(s, {"app.json": '{\n  "scripts": {\n    "postdeploy": "./bin/release"\n  }\n}\n', **RELEASE}, "app.json", 3)


def platform_railway(s):
    gate(s, {"railway.json": '{"deploy": {"preDeployCommand": ["./bin/release"]}}\n', **RELEASE}, "railway.json", 1)


def platform_azure(s):
    gate(s, {"azure-pipelines.yml": "steps:\n  - bash: ./bin/release\n", **RELEASE}, "azure-pipelines.yml", 2)


def platform_k8s_args(s):
    gate(s, {"k8s/job.yaml": "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n"
                             '          image: app\n          args: ["./bin/release"]\n', **RELEASE}, "k8s/job.yaml", 9)


def docker_action_entry(s):
    """A local Docker action's ENTRYPOINT runs the file a COPY put there, from the action's folder."""
    gate(s, {WF: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/migrate\n",
             ".github/actions/migrate/action.yml": "name: migrate\nruns:\n  using: docker\n  image: Dockerfile\n",
             ".github/actions/migrate/Dockerfile": 'FROM node:20\nCOPY entry /entry\nENTRYPOINT ["/entry"]\n',
             ".github/actions/migrate/entry": "#!/bin/sh\nnpx knex migrate:rollback --all\n"}, ".github/actions/migrate/Dockerfile", 3)


# R82a B10: the job's shell and environment from the repository's files.
def bash_env(s):
    gate(s, {WF: job("npx knex migrate:latest", env={"BASH_ENV": "deploy/bashenv"}),
             "deploy/bashenv": 'export NODE_OPTIONS="--require ./lib/patch.js"\n'}, WF, 6)


def shell_rcfile(s):
    gate(s, {WF: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx knex migrate:latest\n"
                 "        shell: bash --rcfile deploy/rc -i {0}\n", "deploy/rc": 'export NODE_OPTIONS="--require ./lib/patch.js"\n'}, WF, 7)


def github_env_from_file(s):
    gate(s, {WF: job('cat deploy/node.env >> "$GITHUB_ENV"', "npx knex migrate:latest"),
             "deploy/node.env": "NODE_OPTIONS=--require ./lib/patch.js\n"}, WF, 7)


def github_path_repository(s):
    gate(s, {WF: job('echo "$GITHUB_WORKSPACE/tools/bin" >> "$GITHUB_PATH"', "npx knex migrate:latest"),
             "tools/bin/node": '#!/bin/sh\nexec /usr/bin/node --require "$PWD/lib/patch.js" "$@"\n'}, WF, 7)


def control_job_environment(s):
    """Ordinary job settings stay clean: a literal GITHUB_ENV line, a runner folder on GITHUB_PATH, plain shells."""
    clean(s, {WF: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"NODE_ENV=production\" >> \"$GITHUB_ENV\"\n"
                  "      - run: echo \"$HOME/.local/bin\" >> $GITHUB_PATH\n      - run: npx knex migrate:latest\n        shell: bash -e {0}\n"
                  "      - run: echo hi\n        shell: bash --noprofile --norc -eo pipefail {0}\n",
              "Dockerfile": "FROM node:20\nENV PATH=/app/node_modules/.bin:$PATH\nRUN npx knex migrate:latest\n"})


# R82a B5: a script a deploy command runs with an interpreter is read.
def node_script_exec(s):
    gate(s, {"Procfile": "release: node scripts/release.js\n",
             "scripts/release.js": 'const { execSync } = require("child_process");\nexecSync("npx knex migrate:rollback --all", { stdio: "inherit" });\n'
                                   'execSync("npx knex migrate:latest", { stdio: "inherit" });\n'}, "Procfile", 1)


def python_script_subprocess(s):
    gate(s, {"Procfile": "release: python3 scripts/release.py\n",
             "scripts/release.py": 'import subprocess\nsubprocess.run(["npx", "knex", "migrate:rollback", "--all"], check=True)\n'}, "Procfile", 1)


def node_script_driver(s):
    gate(s, {"Procfile": "release: node scripts/migrate.js\n",
             "scripts/migrate.js": 'const { Client } = require("pg");\n(async () => { const c = new Client(); await c.connect(); '
                                   'await c.query("DROP TABLE users"); await c.end(); })();\n'}, "Procfile", 1)


def node_script_psql(s):
    gate(s, {"Procfile": "release: node scripts/release.js\n",
             "scripts/release.js": 'const { execSync } = require("child_process");\nexecSync(`psql "${process.env.DATABASE_URL}" -c "DROP TABLE users"`);\n'},
         "Procfile", 1)


def control_node_scripts(s):
    """A deploy's ordinary node scripts stay clean: a server, a build script that loads no driver."""
    clean(s, {"Procfile": "web: node server.js\nrelease: node scripts/build.js && npx knex migrate:latest\n",
              "server.js": 'require("http").createServer((q, r) => r.end("ok")).listen(3000);\n',
              "scripts/build.js": 'const fs = require("fs");\nfs.writeFileSync("dist/version.txt", "1");\n'})


def control_commands(s):
    """Ordinary forms stay clean: make's prefixes and $(MAKE), wrappers, literal variables, the platforms' keys migrating up."""
    up = {"bin/release": "#!/bin/sh\nset -e\nnpx knex migrate:latest\n"}
    clean(s, {"Makefile": "KNEX = npx knex\nbuild:\n\t@echo building\n\t-rm -f dist/x\ndeploy: build\n\t$(MAKE) build\n\t@$(KNEX) migrate:latest\n\t@bin/release\n",
              "Procfile": "release: timeout 600 bin/release && bash -o pipefail bin/release\nweb: nice -n 5 npx knex migrate:latest\n",
              WF: workflow("make deploy", 'NODE_BIN="node"; $NODE_BIN --version', "echo a | xargs echo"),
              "fly.toml": '[deploy]\n  release_command = "./bin/release"\n',
              "render.yaml": "services:\n  - type: web\n    preDeployCommand: ./bin/release\n    startCommand: npx knex migrate:latest\n",
              "app.json": '{"scripts": {"postdeploy": "./bin/release"}}\n',
              "docker/start.sh": "#!/bin/sh\nnpx knex migrate:latest\nexec node server.js\n",
              "Dockerfile": 'FROM node:20\nWORKDIR /app\nCOPY ./docker/start.sh /app/start.sh\nCMD ["sh", "start.sh"]\n', **up})


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
                                      npm_prepare, control_reach, npm_dependencies, pnpm_dev_preinstall, typeorm_query,
                                      typeorm_query_ts_node, control_typeorm_query, make_at, wrapper_timeout, wrapper_nice_flock,
                                      shell_option_value, backslash_verb, make_variable, shell_variable, program_variable_unset,
                                      xargs_words, just_parameter, script_not_in_repository, platform_render, platform_fly,
                                      platform_app_json, platform_railway, platform_azure, platform_k8s_args, docker_action_entry, control_commands, bash_env, shell_rcfile,
                                      github_env_from_file, github_path_repository, control_job_environment,
                                      node_script_exec, python_script_subprocess, node_script_driver, node_script_psql, control_node_scripts]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
