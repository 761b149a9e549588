"""Deploy commands that run the migration tool in a way pgfence did not see (issue #53, red team R82a):
a wrapper before the program (`timeout 600 ./ci/migrate`, `dotenv -e .env -- make db-reset`), a
Makefile's recipe prefix and variables (`@$(KNEX) migrate:rollback`), a backslash-escaped spelling
(`kn\\ex migrate\\:rollback`), a Node or Python deploy script that spawns the tool
(`execSync("npx knex migrate:rollback")`), npm-run-all's, run-s's and concurrently's scripts by name
or glob (`run-s build 'db:*'`), the file BASH_ENV names, a repository folder put on $GITHUB_PATH,
and a local JavaScript action's main file. Each exited 0 on 67ca1bf6; each is unknown at its line now, and `pr` fails on a pull
request that adds it. An app's `node server.js`, a wrapper before `knex migrate:latest` and a
Makefile's `$(COMPOSE) down` stay clean.

    test_deploy_hidden.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, clean, gate_analyze, gate_both, workflow  # noqa: E402

WF = ".github/workflows/deploy.yml"
ROLLBACK = "#!/bin/sh\nset -e\nnpx knex migrate:rollback --all\n"


# 1. Wrappers before the program: the command they run is followed.
def wrapper_timeout_script(s):
    gate_both(s, {"ci/migrate": ROLLBACK, WF: workflow("timeout 600 ./ci/migrate")}, WF, 7)


def wrapper_nice_bash(s):
    gate_analyze(s, {"ci/migrate": ROLLBACK, WF: workflow("nice -n 5 flock /tmp/deploy.lock bash ci/migrate")}, WF, 7)


def wrapper_dotenv_make(s):
    """The target is a developer's helper by its name (the Makefile alone is clean); the deploy runs it."""
    gate_both(s, {"Makefile": "db-reset:\n\tnpx knex migrate:rollback --all\n",
                  WF: workflow("npx --yes dotenv -e .env.production -- make db-reset")}, WF, 7)


def wrapper_unknown_options(s):
    """A wrapper's option pgfence does not know, before a migration tool: where its command starts is a guess."""
    gate_analyze(s, {WF: workflow("retry --jitter 5 npx knex migrate:latest")}, WF, 7)


# 2. Make: recipe prefixes and variables.
def make_variable(s):
    gate_both(s, {"Makefile": "KNEX = npx knex\n\ndeploy:\n\t@$(KNEX) migrate:rollback --all\n"}, "Makefile", 4)


def make_variable_nested(s):
    gate_analyze(s, {"Makefile": "NPX ?= npx\nKNEX := ${NPX} knex\nDOWN = migrate:rollback\n\nrelease:\n\t-${KNEX} $(DOWN)\n"}, "Makefile", 6)


def make_variable_computed(s):
    gate_analyze(s, {"Makefile": "KNEX := $(shell npm bin)/knex\n\ndeploy:\n\t@$(KNEX) migrate:latest\n"}, "Makefile", 4)


def make_variable_environment(s):
    gate_analyze(s, {"Makefile": "deploy:\n\t+$(KNEX_BIN) migrate:latest\n"}, "Makefile", 2)


def make_recipe_prefix_script(s):
    """`@./ci/migrate`: the script the recipe runs, past make's prefix."""
    gate_analyze(s, {"ci/migrate": ROLLBACK, "Makefile": "deploy:\n\t@./ci/migrate\n"}, "Makefile", 2)


# 3. Escaped spellings, joined as the shell does.
def escaped_verb(s):
    gate_both(s, {WF: workflow("npx kn\\ex migrate\\:rollback --all")}, WF, 7)


def escaped_package_script(s):
    gate_both(s, {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "release": "knex migrate\\\\:rollback"\n  },\n'
                                  '  "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}\n}\n'}, "package.json", 4)


# 7. Node and Python deploy scripts that spawn the tool.
NODE_DEPLOY = ('const { execSync } = require("child_process");\n\n'
               'execSync("npm run build", { stdio: "inherit" });\n'
               'execSync("npx knex migrate:latest", { stdio: "inherit" });\n')


def node_exec_sync(s):
    gate_both(s, {"scripts/deploy.js": NODE_DEPLOY + 'execSync("npx knex migrate:rollback --all", { stdio: "inherit" });\n',
                  WF: workflow("node scripts/deploy.js")}, WF, 7)


def node_spawn_argv(s):
    gate_analyze(s, {"scripts/release.ts": 'import { spawnSync } from "node:child_process";\n'
                                           'spawnSync("npx", [\n  "knex",\n  "migrate:rollback",\n]);\n',
                     "package.json": '{\n  "name": "app",\n  "scripts": {\n    "release": "tsx scripts/release.ts"\n  },\n'
                                     '  "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}\n}\n'}, "package.json", 4)


def node_spawn_computed(s):
    gate_analyze(s, {"scripts/deploy.js": 'const cp = require("child_process");\nconst step = process.env.STEP;\n'
                                          'cp.execFileSync("npx", ["knex", step], { stdio: "inherit" });\n',
                     "Procfile": "web: node server.js\nrelease: node scripts/deploy.js\n"}, "Procfile", 2)


def python_subprocess(s):
    gate_analyze(s, {"deploy.py": 'import subprocess\n\nsubprocess.run(["npx", "knex", "migrate:rollback"], check=True)\n',
                     "Dockerfile": "FROM node:20\nCOPY . .\nRUN python3 deploy.py\n"}, "Dockerfile", 3)


def node_spawn_alias(s):
    """Red team R83b H1: the spawn function taken under another name (`{ execSync: run }`) is not
    followed: unknown where the deploy runs the script."""
    gate_analyze(s, {"scripts/deploy.js": 'const { execSync: run } = require("node:child_process");\n'
                                          'run("npx knex migrate:rollback --all", { stdio: "inherit" });\n',
                     "Procfile": "web: node server.js\nrelease: node scripts/deploy.js\n"}, "Procfile", 2)


def node_spawn_key(s):
    """Red team R83b H1: the module's function reached with a computed key (`cp[m](...)`)."""
    gate_analyze(s, {"scripts/deploy.js": 'const cp = require("child_process");\nconst m = "execSync";\n'
                                          'cp[m]("npx knex migrate:rollback --all");\n',
                     "Procfile": "web: node server.js\nrelease: node scripts/deploy.js\n"}, "Procfile", 2)


def python_spawn_alias(s):
    """Red team R83b H1: `from subprocess import run as sh`: not followed, unknown."""
    gate_analyze(s, {"deploy.py": 'from subprocess import run as sh\n\nsh(["npx", "knex", "migrate:rollback"], check=True)\n',
                     "Dockerfile": "FROM node:20\nCOPY . .\nRUN python3 deploy.py\n"}, "Dockerfile", 3)


def python_os_exec(s):
    """Red team R83b H1: os.execvp replaces the process with the command: not followed, unknown."""
    gate_analyze(s, {"deploy.py": 'import os\n\nos.execvp("npx", ["npx", "knex", "migrate:rollback"])\n',
                     "Dockerfile": "FROM node:20\nCOPY . .\nRUN python3 deploy.py\n"}, "Dockerfile", 3)


# 9. pr: the pull request changes only the node script a workflow runs.
def node_script_changed_in_pr(s):
    base = {**KNEX, "scripts/deploy.js": NODE_DEPLOY, WF: workflow("node scripts/deploy.js")}
    gate_both(s, {"scripts/deploy.js": NODE_DEPLOY + 'execSync("npx knex migrate:rollback --all", { stdio: "inherit" });\n'},
              WF, 7, base=base, pr_at=("scripts/deploy.js", 5))


# 6. npm-run-all, run-s, run-p and concurrently run package.json scripts by name and by glob.
RUNNER_PACKAGE = ('{{\n  "name": "app",\n  "scripts": {{\n    "build": "tsc",\n    "db:migrate": "knex migrate:latest",\n'
                  '    "db:reset": "knex migrate:rollback --all",\n    "release": "{}"\n  }},\n'
                  '  "dependencies": {{"knex": "3.1.0", "pg": "8.11.0"}}\n}}\n')


def runner_glob(s):
    """`run-s build 'db:*'`: the pattern matches the helper db:reset (which alone is no deploy's)."""
    gate_both(s, {"package.json": RUNNER_PACKAGE.format("run-s build 'db:*'")}, "package.json", 7)


def runner_npm_run_all(s):
    gate_analyze(s, {"package.json": RUNNER_PACKAGE.format("npm-run-all --serial build db:reset"),
                     WF: workflow("npm ci", "npm run release")}, "package.json", 7)


def runner_concurrently(s):
    gate_analyze(s, {"package.json": RUNNER_PACKAGE.format("tsc"),
                     WF: workflow('npx concurrently --kill-others-on-fail "npm:db:re*" "npm run build"')}, WF, 7)


def runner_computed(s):
    gate_analyze(s, {"package.json": RUNNER_PACKAGE.format("tsc"), WF: workflow("npx run-s build $RELEASE_STEPS")}, WF, 7)


# 4. BASH_ENV: bash reads the file before every script a step runs.
BASH_ENV_BENIGN = "# sourced by bash before every step\nexport NODE_OPTIONS=--max-old-space-size=4096\n"


def bash_env_workflow(s):
    gate_both(s, {"ci/bash_env": BASH_ENV_BENIGN + "npx knex migrate:rollback --all\n",
                  WF: workflow("npx knex migrate:latest", env={"BASH_ENV": "./ci/bash_env"})}, WF, 6)


def bash_env_command(s):
    gate_analyze(s, {"ci/bash_env": BASH_ENV_BENIGN + "npx knex migrate:rollback --all\n",
                     WF: workflow('echo "BASH_ENV=ci/bash_env" | tee -a "$GITHUB_ENV"', "npx knex migrate:latest")}, WF, 7)


def bash_env_changed_in_pr(s):
    """The pull request changes only the file BASH_ENV names: `pr` reviews its lines as commands."""
    base = {**KNEX, "ci/bash_env": BASH_ENV_BENIGN, WF: workflow("npx knex migrate:latest", env={"BASH_ENV": "./ci/bash_env"})}
    gate_both(s, {"ci/bash_env": BASH_ENV_BENIGN + "npx knex migrate:rollback --all\n"}, WF, 6, base=base, pr_at=("ci/bash_env", 3))


# 5. $GITHUB_PATH: a repository folder put on PATH makes a later `knex` its file.
def github_path_bin(s):
    gate_analyze(s, {"bin/knex": '#!/bin/sh\nexec npx knex migrate:rollback --all\n',
                     WF: workflow('echo "${{ github.workspace }}/bin" | tee -a "$GITHUB_PATH"', "knex migrate:latest")}, WF, 8)


def github_path_computed(s):
    gate_analyze(s, {WF: workflow('echo "$TOOLS_DIR/bin" >> $GITHUB_PATH', "knex migrate:latest")}, WF, 8)


# 8. A local JavaScript action: the runner runs its main file with node.
ACTION = ("name: migrate\ndescription: Run the database migrations\nruns:\n  using: node20\n  main: dist/index.js\n")


def node_action_main(s):
    gate_both(s, {".github/actions/migrate/action.yml": ACTION,
                  ".github/actions/migrate/dist/index.js": NODE_DEPLOY + 'execSync("npx knex migrate:rollback --all", { stdio: "inherit" });\n',
                  WF: workflow("npm ci").replace("      - run: npm ci\n", "      - uses: ./.github/actions/migrate\n")},
              ".github/actions/migrate/action.yml", 5)


def node_action_changed_in_pr(s):
    """The pull request changes only the action's dist/index.js."""
    base = {**KNEX, ".github/actions/migrate/action.yml": ACTION, ".github/actions/migrate/dist/index.js": NODE_DEPLOY,
            WF: workflow("npm ci").replace("      - run: npm ci\n", "      - uses: ./.github/actions/migrate\n")}
    gate_both(s, {".github/actions/migrate/dist/index.js": NODE_DEPLOY + 'execSync("npx knex migrate:rollback --all", { stdio: "inherit" });\n'},
              ".github/actions/migrate/action.yml", 5, base=base, pr_at=(".github/actions/migrate/dist/index.js", 5))


# Controls: nothing unknown.
def control_hidden_clean(s):
    """An app's server (knex, a template literal, no child process), wrappers before an up migration,
    a Makefile's literal and computed variables that run no migration tool, images and platforms."""
    clean(s, {"server.js": 'const knex = require("knex")({ client: "pg", connection: `postgres://${process.env.DB_HOST}/app` });\n'
                           'const { exec } = require("./lib/exec");\nexec(process.argv[2]);\n',
              "scripts/deploy.js": NODE_DEPLOY,
              "deploy.py": 'import subprocess\nsubprocess.run(["npx", "knex", "migrate:latest"], check=True)\n',
              "Procfile": "web: node server.js\nrelease: node scripts/deploy.js\n",
              "Makefile": "COMPOSE := $(shell which docker-compose)\nKNEX = npx knex\n\ndeploy:\n\t@$(KNEX) migrate:latest\n"
                          "\t-$(COMPOSE) down\n\t$(MAKE) build\n\nbuild:\n\tdocker buildx build --platform linux/amd64 -t app .\n",
              "package.json": RUNNER_PACKAGE.format("run-s build 'db:m*'"), "ci/bash_env": BASH_ENV_BENIGN,
              ".github/actions/setup/action.yml": ACTION, ".github/actions/setup/dist/index.js": NODE_DEPLOY,
              "bin/check-env": "#!/bin/sh\ntest -n \"$DATABASE_URL\"\n",
              WF: workflow("timeout 600 npx --yes knex migrate:latest", "npx run-p build db:migrate", "npx concurrently npm:build npm:release", "nice -n 5 make deploy", "python3 deploy.py",
                           "npx dotenv -e .env -- node scripts/deploy.js", "docker run --rm node:20 node --version",
                           ".venv/bin/pip3 install -r requirements.txt", "echo BASH_ENV=ci/bash_env >> $GITHUB_ENV",
                           'echo "$HOME/.local/bin" >> $GITHUB_PATH', 'echo "$PWD/bin" >> $GITHUB_PATH', "npx knex migrate:latest",
                           "bin/check-env")})


# 10. The scripts npm runs around and for a command (red team R83b H5): pre and post scripts, its
# aliases and abbreviations, its lifecycle commands, npm-run-all's brace sets and classes, scripts that
# run scripts, pnpm's regular expressions, turbo's and lerna's tasks.
def package(*scripts):
    """A package.json whose scripts (name, command) start at line 4."""
    body = ",\n".join(f'    "{name}": "{command}"' for name, command in scripts)
    return '{\n  "name": "app",\n  "scripts": {\n' + body + '\n  },\n  "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}\n}\n'


def npm_pre_script(s):
    """`npm run db:prepare` runs predb:prepare first (npm lib/commands/run.js)."""
    gate_both(s, {"package.json": package(("migrate", "knex migrate:latest"), ("predb:prepare", "knex migrate:rollback --all"),
                                          ("db:prepare", "node -e 1"), ("deploy", "npm run db:prepare && npm run migrate"))},
              "package.json", 7)


def npm_post_script_workflow(s):
    gate_analyze(s, {"package.json": package(("db:seed", "node seed.js"), ("postdb:seed", "knex migrate:rollback --all")),
                     WF: workflow("npm ci", "npm run db:seed")}, WF, 8)


def npm_alias_rum(s):
    """`rum` and `urn` are npm's aliases of run (lib/utils/cmd-list.js)."""
    gate_both(s, {"package.json": package(("db:reset", "knex migrate:rollback --all")), WF: workflow("npm rum db:reset")}, WF, 7)


def npm_alias_urn_script(s):
    gate_analyze(s, {"package.json": package(("db:reset", "knex migrate:rollback --all"), ("release", "npm urn db:reset"))}, "package.json", 5)


def npm_abbreviation(s):
    """npm takes a unique abbreviation of a command: `run-scr` is run-script, run."""
    gate_analyze(s, {"package.json": package(("db:reset", "knex migrate:rollback --all")), WF: workflow("npm run-scr db:reset")}, WF, 7)


def npm_restart_stop(s):
    """With no restart script, npm restart runs stop and start."""
    gate_analyze(s, {"package.json": package(("stop", "knex migrate:rollback --all"), ("start", "node server.js"), ("deploy", "npm restart"))},
                 "package.json", 6)


def npm_test_alias(s):
    gate_analyze(s, {"package.json": package(("test", "knex migrate:rollback --all && jest")), WF: workflow("npm ci", "npm t")}, WF, 8)


def yarn_test(s):
    gate_analyze(s, {"package.json": package(("test", "knex migrate:rollback --all && jest")), WF: workflow("yarn test")}, WF, 7)


def script_chain(s):
    """A deploy's script that runs a script that runs the rollback, two down."""
    gate_analyze(s, {"package.json": package(("a", "npm run b"), ("b", "knex migrate:rollback --all"), ("deploy", "npm run a"))},
                 "package.json", 6)


def runner_brace_set(s):
    """npm-run-all's pattern `db:{reset,seed}` (minimatch's brace sets) matches db:reset."""
    gate_both(s, {"package.json": package(("db:reset", "knex migrate:rollback --all"), ("db:seed", "node seed.js"),
                                          ("release", "npm-run-all --serial 'db:{reset,seed}'"))}, "package.json", 6)


def runner_class(s):
    gate_analyze(s, {"package.json": package(("db:reset", "knex migrate:rollback --all"), ("release", "run-p 'db:[r]eset'"))}, "package.json", 5)


def runner_extglob(s):
    """An extglob pgfence does not match: unknown."""
    gate_analyze(s, {"package.json": package(("db:seed", "node seed.js"), ("release", "run-s 'db:@(seed)'"))}, "package.json", 5)


def pnpm_regex(s):
    gate_analyze(s, {"package.json": package(("db:seed", "node seed.js")), WF: workflow('pnpm run "/^db:.*/"')}, WF, 7)


def turbo_task(s):
    gate_analyze(s, {"package.json": package(("db:prepare", "node -e 1")), WF: workflow("npx turbo run db:prepare --filter=api")}, WF, 7)


def lerna_task_script(s):
    gate_analyze(s, {"package.json": package(("deploy", "lerna run db:seed --stream"))}, "package.json", 4)


def control_npm_forms_clean(s):
    """An app's `start: node server.js`, `test: jest`, brace sets and classes over harmless scripts, an
    npm restart that stops and starts the server, turbo's build, a workflow comment naming turbo, and a Makefile's `echo \\` whose
    continuation names a destructive script (printed, not run: the shell joins it into echo's arguments)."""
    clean(s, {"package.json": package(("build:js", "tsc"), ("build:css", "sass src:dist"), ("prebuild", "rimraf dist"),
                                      ("build", "run-s 'build:{js,css}' 'build:[c]ss'"), ("start", "node server.js"), ("stop", "pkill -F app.pid"),
                                      ("test", "jest"), ("pretest", "eslint ."), ("reset", "knex migrate:rollback --all"),
                                      ("deploy", "npm run build && npm restart")),
              "Makefile": "deploy:\n\t@echo \\\n\t  npm run reset to undo\n\tnpx knex migrate:latest\n",
              WF: workflow("npm ci", "npm t", "npm test -- --ci", "yarn test", "npm start", "npx turbo run build", "make deploy")
              .replace("      - run: make deploy\n",
                       "      # Run directly, not via turbo, so the job env reaches the tests (rallly's ci.yml)\n      - run: make deploy\n")})


# R85a F1: npm pack, publish and version run lifecycle scripts (npm 11 lib/commands/pack.js and
# libnpmpack: prepack, prepare, postpack; publish.js: prepublishOnly, the pack's, publish,
# postpublish; libnpmversion: preversion, version, postversion). The hook is merged; the pull
# request adds only the workflow step.
def merged(*scripts, path="package.json"):
    return {**KNEX, path: package(*scripts)}


def npm_pack_hook(s):
    gate_both(s, {WF: workflow("npm ci", "npm pack")}, WF, 8,
              base=merged(("build", "tsc"), ("prepack", "knex migrate:rollback --all && npm run build")))


def npm_publish_hook(s):
    gate_both(s, {WF: workflow("npm publish --tag next --access public")}, WF, 7,
              base=merged(("prepublishOnly", "knex migrate:rollback --all")))


def npm_version_hook(s):
    """`npm verison` is npm's alias of version; postversion runs after it."""
    gate_analyze(s, {WF: workflow("npm verison patch -m 'release %s'")}, WF, 7, base=merged(("postversion", "knex migrate:rollback --all")))


def lifecycle_folder(s):
    """The package a path argument names (`npm pack ./packages/api`), not the --pack-destination."""
    base = {**merged(("build", "tsc")), "packages/api/package.json": package(("postpack", "knex migrate:rollback --all"))}
    gate_analyze(s, {WF: workflow("npm pack --pack-destination ./dist ./packages/api")}, WF, 7, base=base)


def lifecycle_yarn_npm_publish(s):
    """Yarn 2+'s `yarn npm publish` packs the package: prepack and postpack."""
    gate_analyze(s, {WF: workflow("yarn npm publish --tolerate-republish")}, WF, 7, base=merged(("postpack", "knex migrate:rollback --all")))


def lifecycle_pnpm_pack(s):
    gate_analyze(s, {WF: workflow("pnpm --dir packages/api pack")}, WF, 7,
                 base={**KNEX, "packages/api/package.json": package(("prepack", "knex migrate:rollback --all"))})


def lifecycle_folder_unknown(s):
    """A package outside the repository, or one a shell variable names: not followed, unknown."""
    gate_analyze(s, {WF: workflow("npm publish \"$PKG_DIR\"")}, WF, 7, base=merged(("build", "tsc")))


def lifecycle_ignore_scripts_false(s):
    """R86 F4: nopt reads `false` after a boolean flag as its value: `--ignore-scripts false` runs them."""
    gate_analyze(s, {WF: workflow("npm pack --ignore-scripts false", "npm pack --ignore-scripts --ignore-scripts=false")}, WF, 7,
                 base=merged(("prepack", "knex migrate:rollback --all")))
    _, found = analyze(s)
    check(any(f["rule"] == "unknown-statement" and f["path"] == WF and f["line"] == 8 for f in found),
          f"the last --ignore-scripts wins (R86b F4): {found}")


def control_lifecycle_clean(s):
    """No false unknown: a package's ordinary prepack and prepublishOnly (build, test), `npm pack` with
    no lifecycle script, a registry package or a tarball packed, --ignore-scripts over a rollback hook
    (npm runs none), and a rollback script no lifecycle runs."""
    clean(s, {"package.json": package(("build", "tsc"), ("prepack", "npm run build"), ("prepublishOnly", "npm test"), ("test", "jest"),
                                      ("reset", "knex migrate:rollback --all")),
              "packages/plain/package.json": '{"name": "plain", "version": "1.0.0"}\n',
              "packages/hook/package.json": package(("prepack", "knex migrate:rollback --all")),
              WF: workflow("npm ci", "npm pack", "npm publish --tag next", "npm version patch --no-git-tag-version", "yarn pack",
                           "pnpm publish --no-git-checks", "npm pack ./packages/plain", "npm pack lodash@4", "npm publish ./app-1.0.0.tgz",
                           "npm pack --ignore-scripts ./packages/hook")})


SCENARIOS = {
    "wrapper_timeout_script": wrapper_timeout_script,
    "wrapper_nice_bash": wrapper_nice_bash,
    "wrapper_dotenv_make": wrapper_dotenv_make,
    "wrapper_unknown_options": wrapper_unknown_options,
    "make_variable": make_variable,
    "make_variable_nested": make_variable_nested,
    "make_variable_computed": make_variable_computed,
    "make_variable_environment": make_variable_environment,
    "make_recipe_prefix_script": make_recipe_prefix_script,
    "escaped_verb": escaped_verb,
    "escaped_package_script": escaped_package_script,
    "node_exec_sync": node_exec_sync,
    "node_spawn_argv": node_spawn_argv,
    "node_spawn_computed": node_spawn_computed,
    "python_subprocess": python_subprocess,
    "node_spawn_alias": node_spawn_alias,
    "node_spawn_key": node_spawn_key,
    "python_spawn_alias": python_spawn_alias,
    "python_os_exec": python_os_exec,
    "node_script_changed_in_pr": node_script_changed_in_pr,
    "runner_glob": runner_glob,
    "runner_npm_run_all": runner_npm_run_all,
    "runner_concurrently": runner_concurrently,
    "runner_computed": runner_computed,
    "bash_env_workflow": bash_env_workflow,
    "bash_env_command": bash_env_command,
    "bash_env_changed_in_pr": bash_env_changed_in_pr,
    "github_path_bin": github_path_bin,
    "github_path_computed": github_path_computed,
    "node_action_main": node_action_main,
    "node_action_changed_in_pr": node_action_changed_in_pr,
    "control_hidden_clean": control_hidden_clean,
    "npm_pre_script": npm_pre_script,
    "npm_post_script_workflow": npm_post_script_workflow,
    "npm_alias_rum": npm_alias_rum,
    "npm_alias_urn_script": npm_alias_urn_script,
    "npm_abbreviation": npm_abbreviation,
    "npm_restart_stop": npm_restart_stop,
    "npm_test_alias": npm_test_alias,
    "yarn_test": yarn_test,
    "script_chain": script_chain,
    "runner_brace_set": runner_brace_set,
    "runner_class": runner_class,
    "runner_extglob": runner_extglob,
    "pnpm_regex": pnpm_regex,
    "turbo_task": turbo_task,
    "lerna_task_script": lerna_task_script,
    "control_npm_forms_clean": control_npm_forms_clean,
    "npm_pack_hook": npm_pack_hook,
    "npm_publish_hook": npm_publish_hook,
    "npm_version_hook": npm_version_hook,
    "lifecycle_folder": lifecycle_folder,
    "lifecycle_ignore_scripts_false": lifecycle_ignore_scripts_false,
    "lifecycle_yarn_npm_publish": lifecycle_yarn_npm_publish,
    "lifecycle_pnpm_pack": lifecycle_pnpm_pack,
    "lifecycle_folder_unknown": lifecycle_folder_unknown,
    "control_lifecycle_clean": control_lifecycle_clean,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
