"""Deploy commands that make the migration tool do what pgfence does not read (red team R79 B9, B6-B8,
B13, B18-B20, B7, B2).

pgfence analyses the up halves of migrations and the tools' default settings files. A deploy command
that runs the down direction or resets the database (`knex migrate:rollback --all`, `sequelize-cli
db:migrate:undo:all`, `prisma migrate reset`, `supabase db reset`, `goose reset`, `flyway clean`...)
dropped users in R79's real runs while pgfence 159625b1 exited 0; so did a settings file named on the
command line or in the environment (db-migrate's and graphile-migrate's --config, Flyway's
-configFiles / FLYWAY_CONFIG_FILES, sequelize-cli's --config, NODE_CONFIG, PGSERVICEFILE), a flag on a
`\\`-continued line, and npm's other ways to preload code. Each is unknown at its line in `analyze`,
and `pr` fails on the line that adds it. A developer's `db:rollback` helper nothing runs at deploy,
a Makefile's `migrate-down:` target and a workflow running `knex migrate:latest` stay clean.

    test_deploy_commands.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402

MIGRATION = {"migrations/20240101000000_users.js":
             'exports.up = async k => { await k.raw("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY)") };\n'
             'exports.down = async k => { await k.raw("DROP TABLE users") };\n'}
KNEX = {"knexfile.js": 'module.exports = { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./migrations" } };\n',
        "package.json": '{"name": "app", "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n', **MIGRATION}
GATE = ["--ci", "--unknown", "block", "--max-risk", "low"]


def workflow(*steps, env=None):
    text = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
    if env:
        text += "    env:\n" + "".join(f"      {k}: {v}\n" for k, v in env.items())
    text += "    steps:\n      - uses: actions/checkout@v4\n"
    return text + "".join(f"      - run: {s}\n" for s in steps)


def analyze(s):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", *GATE, "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "message": f["message"]}
             for file in json.loads(proc.stdout)["files"] for f in file["findings"]]
    return proc, found


def gate_both(s, head, path, line, base=KNEX, pr_at=None):
    """`analyze --ci` fails with an unknown at `path`:`line`; `pr` (base on main, `head` on the branch)
    fails with a finding that needs a person at `pr_at` (default the same line)."""
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr}")
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")
    s.start_double()
    pr = s.run_pr(*GATE, "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]]
    want = pr_at or (path, line)
    check(any(rule in ("unknown-statement", "migration-tool-settings-changed") and (p, n) == want for rule, p, n in results),
          f"pr: {want} needs a person: {results}")


def clean(s, head, base=KNEX):
    """`analyze` over the tree reports nothing unknown."""
    pull_request(s, head, base)
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"analyze: nothing is unknown: {unknown}")


# B9: the down direction, a reset, a clean, a drop.
def knex_rollback(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx knex migrate:latest && npx knex migrate:rollback --all")},
              ".github/workflows/deploy.yml", 7)


def sequelize_undo_all(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx sequelize-cli db:migrate:undo:all --env production")},
              ".github/workflows/deploy.yml", 7)


def node_pg_migrate_down_script(s):
    """A package.json script named as the deploy's migrate step."""
    gate_both(s, {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "node-pg-migrate down"\n  }\n}\n'}, "package.json", 4)


def prisma_reset(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx prisma migrate reset --force --skip-seed")}, ".github/workflows/deploy.yml", 7)


def supabase_reset(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("supabase db reset --linked")}, ".github/workflows/deploy.yml", 7)


def goose_reset_continued(s):
    """The verb on the line after a `\\`: one command."""
    gate_both(s, {".github/workflows/deploy.yml": workflow("|\n          goose -dir migrations postgres \"$DATABASE_URL\" \\\n            reset")},
              ".github/workflows/deploy.yml", 8)


def dbmate_procfile(s):
    gate_both(s, {"Procfile": "web: node server.js\nrelease: dbmate rollback\n"}, "Procfile", 2)


def golang_migrate_makefile(s):
    """A Makefile's deploy target (not one named for the down direction)."""
    gate_both(s, {"Makefile": "deploy:\n\tmigrate -path migrations -database \"$(DATABASE_URL)\" drop -f\n"}, "Makefile", 2)


def kubernetes_job(s):
    """A Job's container command in exec form, in a manifest of any name."""
    gate_both(s, {"deploy/migrate-job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n"
                                             "      containers:\n        - name: migrate\n          image: app\n"
                                             "          command: [\"npx\", \"knex\", \"migrate:rollback\", \"--all\"]\n"},
              "deploy/migrate-job.yaml", 11)


def flyway_clean(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("flyway -cleanDisabled=false clean migrate")}, ".github/workflows/deploy.yml", 7)


def npm_run_rollback(s):
    """A deploy running the package.json helper: the helper's name no longer matters."""
    base = {**KNEX, "package.json": '{"name": "app", "scripts": {"db:rollback": "knex migrate:rollback --all"}}\n'}
    gate_both(s, {".github/workflows/deploy.yml": workflow("npm run db:rollback")}, ".github/workflows/deploy.yml", 7, base=base)


def npm_run_migrate_down(s):
    """node-pg-migrate's documented `"migrate": "node-pg-migrate"` script, given its verb by the deploy."""
    base = {"package.json": '{"name": "app", "scripts": {"migrate": "node-pg-migrate"}}\n',
            "migrations/1700000000000_init.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n"}
    gate_both(s, {".github/workflows/deploy.yml": workflow("npm run migrate down")}, ".github/workflows/deploy.yml", 7, base=base)


# Settings files named on a command line or in the environment.
def db_migrate_config(s):
    """analyze: the --config line; pr: a change to the file the base's command names."""
    base = {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "db-migrate up --config deploy/db.json -e dev"\n  },\n'
                            '  "dependencies": {"db-migrate": "0.11.14", "db-migrate-pg": "1.5.2"}\n}\n',
            "deploy/db.json": '{"dev": {"driver": "pg", "database": "app"}}\n', "migrations/20240101000000-init.js": "exports.up = () => null;\n"}
    gate_both(s, {"deploy/db.json": '{"dev": {"driver": "pg",\n "schema": "public\\"; DROP TABLE IF EXISTS users; --"}}\n'},
              "package.json", 4, base=base, pr_at=("deploy/db.json", 2))


def graphile_config(s):
    base = {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "graphile-migrate migrate --config db/gm.json5"\n  }\n}\n',
            "db/gm.json5": "{}\n", "migrations/committed/000001.sql": "SELECT 1;\n"}
    gate_both(s, {"db/gm.json5": '{\n  afterAllMigrations: [{"_": "command", "command": "psql -c \'DROP TABLE users\'"}],\n}\n'},
              "package.json", 4, base=base, pr_at=("db/gm.json5", 2))


def flyway_config_files(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("flyway -configFiles=deploy/db.conf migrate"),
                  "deploy/db.conf": "flyway.initSql=DROP TABLE IF EXISTS users\n"}, ".github/workflows/deploy.yml", 7)


def flyway_config_env(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("flyway migrate", env={"FLYWAY_CONFIG_FILES": "deploy/db.conf"})},
              ".github/workflows/deploy.yml", 6)


def sequelize_cli_config(s):
    gate_both(s, {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "sequelize-cli db:migrate --config db/settings.json"\n  }\n}\n',
                  "db/settings.json": '{"development": {"dialect": "postgres", "searchPath": "public; DROP TABLE IF EXISTS users"}}\n'},
              "package.json", 4)


SEQUELIZE = {"package.json": '{"name": "app", "dependencies": {"sequelize": "6.37.0", "sequelize-cli": "6.6.2", "pg": "8.11.0"}}\n',
             "migrations/20240101000000-users.js": "module.exports = {\n  up: async (qi) => { await qi.sequelize.query("
             "'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY)'); },\n  down: async () => {},\n};\n"}


def sequelizerc_unfolded(s):
    gate_both(s, {".sequelizerc": "const path = require('path');\n"
                                  "module.exports = { 'config': path.resolve('db', process.env.CFG || 'settings.json') };\n"},
              ".sequelizerc", 2, base=SEQUELIZE)


def node_config_env(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx node-pg-migrate up",
                                                           env={"NODE_CONFIG": "'{\"db\": {\"schema\": \"x\"}}'"})},
              ".github/workflows/deploy.yml", 6)


def node_config_dotenv(s):
    gate_both(s, {".env": "PORT=3000\nNODE_CONFIG={\"db\": {\"schema\": \"x\"}}\n"}, ".env", 2)


def pg_service_file(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("goose -dir migrations postgres \"service=migrate\" up",
                                                           env={"PGSERVICEFILE": "deploy/pg_service.conf"})},
              ".github/workflows/deploy.yml", 6)


# B7: a flag on the next line.
def schema_continued(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("|\n          npx node-pg-migrate up \\\n            --schema 'public\"; DROP TABLE IF EXISTS users; --'")},
              ".github/workflows/deploy.yml", 8)


def schema_folded(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow(">-\n          npx node-pg-migrate up\n          --schema 'public\"; DROP TABLE IF EXISTS users; --'")},
              ".github/workflows/deploy.yml", 7, pr_at=(".github/workflows/deploy.yml", 8))


# B2: npm's other preloads.
def npmrc_env_value(s):
    gate_both(s, {".npmrc": "fund=false\nnode-options=${NODE_PRELOAD}\n"}, ".npmrc", 2)


def npmrc_userconfig(s):
    gate_both(s, {".npmrc": "userconfig=./config/ci.ini\n", "config/ci.ini": "node-options=--require ./lib/patch.js\n"}, ".npmrc", 1)


def npmrc_userconfig_changed(s):
    """The pull request changes only the file .npmrc's userconfig names: npm reads it as an .npmrc."""
    base = {**KNEX, ".npmrc": "userconfig=./config/ci.ini\n", "config/ci.ini": "fund=false\n"}
    gate_both(s, {"config/ci.ini": "fund=false\nnode-options=--require ./lib/patch.js\n"}, ".npmrc", 1, base=base,
              pr_at=("config/ci.ini", 2))


def npmrc_globalconfig_changed(s):
    """The same through globalconfig, a script-shell in it."""
    base = {**KNEX, ".npmrc": "fund=false\nglobalconfig = \"deploy/npmrc\"\n", "deploy/npmrc": "audit=false\n"}
    gate_both(s, {"deploy/npmrc": "audit=false\nscript-shell=./scripts/run\n"}, ".npmrc", 2, base=base, pr_at=("deploy/npmrc", 2))


def npmrc_script_shell(s):
    gate_both(s, {".npmrc": "script-shell=./scripts/run\n"}, ".npmrc", 1)


def npm_node_options_flag(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("npm --node-options=\"--require ./lib/patch.js\" run migrate")},
              ".github/workflows/deploy.yml", 7)


def package_config_variable(s):
    gate_both(s, {"package.json": '{\n  "name": "app",\n  "config": {"pre": "--require ./lib/patch.js"},\n  "scripts": {\n'
                                  '    "migrate": "node $npm_package_config_pre node_modules/knex/bin/cli.js migrate:latest"\n  }\n}\n'},
              "package.json", 5)


def node_env_file(s):
    gate_both(s, {"package.json": '{\n  "name": "app",\n  "scripts": {\n'
                                  '    "migrate": "node --env-file=.env.migrate node_modules/knex/bin/cli.js migrate:latest"\n  }\n}\n'},
              "package.json", 4)


def node_continued(s):
    gate_both(s, {".github/workflows/deploy.yml": workflow("|\n          node \\\n            -r ./lib/patch.js node_modules/knex/bin/cli.js migrate:latest")},
              ".github/workflows/deploy.yml", 8, pr_at=(".github/workflows/deploy.yml", 9))


# Issue #53: node-pg-migrate's ignore pattern, a regular expression over the folder's file names that
# replaces the default '\\..*': with it a dot file of the folder runs, which pgfence skipped.
NPM_BASE = {"package.json": '{\n  "name": "app",\n  "dependencies": {"node-pg-migrate": "7.6.1", "pg": "8.11.0"},\n'
                            '  "scripts": {"migrate": "node-pg-migrate up"}\n}\n',
            "migrations/1700000000000_a.js": 'exports.up = (pgm) => { pgm.sql("CREATE TABLE IF NOT EXISTS a (id int)"); };\n'}
DOT_MIGRATION = {"migrations/.1700000000001_b.tsx": 'module.exports = { up: (pgm) => { pgm.sql("DROP TABLE users"); } };\n'}


def node_pg_migrate_ignore_pattern(s):
    gate_both(s, {**DOT_MIGRATION, "package.json": NPM_BASE["package.json"].replace("up\"", "up --ignore-pattern 'x'\"")},
              "package.json", 4, base=NPM_BASE)


def node_pg_migrate_ignore_pattern_config(s):
    gate_both(s, {**DOT_MIGRATION, "config/default.json": '{\n  "db": {\n    "ignore-pattern": "x"\n  }\n}\n'},
              "config/default.json", 3, base=NPM_BASE)


# Issue #53: a script of the repository a deploy command runs by name is read as the command lines
# are (its lines are commands), whatever its name; one pgfence cannot read is unknown where it runs.
ROLLBACK_SCRIPT = "#!/bin/sh\nset -e\nnpx knex migrate:rollback --all\n"


def gate_analyze(s, head, path, line, base=KNEX):
    """`analyze --ci` fails with an unknown at `path`:`line`."""
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr}")
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")


def script_by_path(s):
    """A script with no extension, run as ./scripts/release."""
    gate_analyze(s, {"scripts/release": ROLLBACK_SCRIPT, ".github/workflows/deploy.yml": workflow("./scripts/release")},
                 ".github/workflows/deploy.yml", 7)


def script_helper_name(s):
    """A script named like a developer's helper is followed when a deploy runs it (bash NAME)."""
    gate_analyze(s, {"scripts/reset-db.sh": ROLLBACK_SCRIPT, ".github/workflows/deploy.yml": workflow("bash scripts/reset-db.sh")},
                 ".github/workflows/deploy.yml", 7)


def script_nested_cycle(s):
    """Scripts that run each other: read once each, the reset two scripts down found."""
    gate_analyze(s, {"scripts/a": "#!/bin/sh\n./scripts/b\n", "scripts/b": "#!/bin/sh\n./scripts/a\nnpx prisma migrate reset --force\n",
                     "Procfile": "web: node server.js\nrelease: ./scripts/a\n"}, "Procfile", 2)


def script_computed(s):
    gate_analyze(s, {".github/workflows/deploy.yml": workflow('bash "scripts/${STEP}.sh"')}, ".github/workflows/deploy.yml", 7)


def script_package_json(s):
    """A package.json migrate script that runs a repository script (named like a helper, which nothing else reads)."""
    gate_analyze(s, {"scripts/db-reset.sh": ROLLBACK_SCRIPT,
                     "package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "sh ./scripts/db-reset.sh"\n  }\n}\n'},
                 "package.json", 4)


def make_helper_target(s):
    """A deploy that runs `make db-reset`: the target is a helper by its name, but the deploy runs it."""
    gate_analyze(s, {"Makefile": "db-reset:\n\tnpx knex migrate:rollback --all\n",
                     ".github/workflows/deploy.yml": workflow("make db-reset")}, ".github/workflows/deploy.yml", 7)


def script_changed_in_pr(s):
    """The pull request changes only the script the deploy runs: `pr` reviews its lines as commands."""
    base = {**KNEX, "scripts/release": "#!/bin/sh\nset -e\nnpx knex migrate:latest\n",
            ".github/workflows/deploy.yml": workflow("./scripts/release")}
    gate_both(s, {"scripts/release": "#!/bin/sh\nset -e\nnpx knex migrate:latest\nnpx knex migrate:rollback --all\n"},
              ".github/workflows/deploy.yml", 7, base=base, pr_at=("scripts/release", 4))


def script_run_added_in_pr(s):
    """The script is already there (it rolls back); the pull request adds only the workflow step that
    runs it: pr reads the script behind the new line (exit 0 on 432d3fdf and on left81 alone)."""
    base = {**KNEX, "scripts/reset.sh": "#!/bin/sh\nnpx knex migrate:rollback --all\n",
            ".github/workflows/deploy.yml": workflow("npx knex migrate:latest")}
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx knex migrate:latest", "./scripts/reset.sh")},
              ".github/workflows/deploy.yml", 8, base=base)


def control_scripts_run(s):
    """A deploy script that migrates up, a tool's own program, a build's output: nothing unknown."""
    clean(s, {"scripts/release": "#!/bin/sh\nset -e\nnpx knex migrate:latest\n./node_modules/.bin/knex migrate:latest\n",
              ".github/workflows/deploy.yml": workflow("./scripts/release", "chmod +x ./scripts/release", "./dist/server --check",
                                                       "/usr/local/bin/entrypoint.sh")})


def control_data_lines(s):
    """Lines a reader of lines could take for a script run, from AppFlowy-Cloud's and documenso's
    files (left81's script following gave 67 false unknowns there): a paths filter's globs, an
    image reference, `T=${GITHUB_REF#refs/*/}`, a Dockerfile's COPY, a shell array of config files."""
    wf = ("on:\n  push:\n    paths:\n      - '**/Cargo.toml'\n      - 'src/**'\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - uses: docker/metadata-action@v5\n        with:\n          images: registry.hub.docker.com/${{ env.IMAGE_NAME }}\n"
          "          tags: |\n            appflowyinc/gotrue:${{ github.sha }}-amd64\n"
          "      - run: |\n          T=${GITHUB_REF#refs/*/}   # Remove \"refs/*/\" prefix\n          echo \"$T\"\n"
          "      - run: npx knex migrate:latest\n")
    clean(s, {".github/workflows/deploy.yml": wf, "Dockerfile": "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
              "scripts/check.sh": "#!/bin/sh\nfiles=(\n  \"$PROJECT_ROOT/nginx/nginx.conf\"\n  \"$PROJECT_ROOT/nginx.conf\"\n)\necho ok\n"})


# Issue #53 (red team R81a B4, B7): what a command reads besides its own words.
ENV_WF = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      ACTION: {action}\n    steps:\n"
          "      - uses: actions/checkout@v4\n      - run: npx knex migrate:$ACTION\n")
MATRIX_WF = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        action: [{action}]\n"
             "    steps:\n      - uses: actions/checkout@v4\n      - run: npx knex migrate:${{{{ matrix.action }}}}\n")
DB_PACKAGE = {"packages/db/package.json": '{\n  "name": "@app/db",\n  "scripts": {\n    "db:sync": "knex migrate:rollback --all && knex migrate:latest"\n  }\n}\n'}


def env_value_changed_in_pr(s):
    """The pull request changes only the job's `env: ACTION: latest` to rollback: the run line is read
    with the value (pr exit 0 on 07666381; knex 3.1 run as the runner expands it, ACTION=rollback: users dropped)."""
    base = {**KNEX, ".github/workflows/deploy.yml": ENV_WF.format(action="latest")}
    gate_both(s, {".github/workflows/deploy.yml": ENV_WF.format(action="rollback")}, ".github/workflows/deploy.yml", 9, base=base)


def matrix_value_changed_in_pr(s):
    """The same through `strategy.matrix` and `${{ matrix.action }}`."""
    base = {**KNEX, ".github/workflows/deploy.yml": MATRIX_WF.format(action="latest")}
    gate_both(s, {".github/workflows/deploy.yml": MATRIX_WF.format(action="latest, rollback")}, ".github/workflows/deploy.yml", 10, base=base)


def matrix_item_added_in_pr(s):
    """The matrix's values as a block list: the pull request adds only the line `- rollback`."""
    wf = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        action:\n          - latest\n{more}"
          "    steps:\n      - uses: actions/checkout@v4\n      - run: npx knex migrate:${{{{ matrix.action }}}}\n")
    base = {**KNEX, ".github/workflows/deploy.yml": wf.format(more="")}
    gate_both(s, {".github/workflows/deploy.yml": wf.format(more="          - rollback\n")}, ".github/workflows/deploy.yml", 12, base=base)


def control_env_literal(s):
    """`migrate:$ACTION` with `ACTION: latest` and the matrix's `[latest]` run migrate:latest: nothing unknown."""
    clean(s, {".github/workflows/deploy.yml": ENV_WF.format(action="latest"), ".github/workflows/m.yml": MATRIX_WF.format(action="latest")})


def working_directory_default(s):
    """`defaults.run.working-directory: packages/db`, then `npm run db:sync`: packages/db's script."""
    wf = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: packages/db\n"
          "    steps:\n      - uses: actions/checkout@v4\n      - run: npm run db:sync\n")
    gate_both(s, {**DB_PACKAGE, ".github/workflows/deploy.yml": wf}, ".github/workflows/deploy.yml", 10)


def script_cd_carries(s):
    """A script's `cd packages/db` holds for its next line's `npm run db:sync`."""
    gate_analyze(s, {**DB_PACKAGE, "scripts/release.sh": "#!/bin/sh\nset -e\ncd packages/db\nnpm run db:sync\n",
                     ".github/workflows/deploy.yml": workflow("./scripts/release.sh")}, ".github/workflows/deploy.yml", 7)


def dockerfile_workdir(s):
    """A Dockerfile's WORKDIR sets where its RUN npm run X is looked up."""
    gate_analyze(s, {**DB_PACKAGE, "Dockerfile": "FROM node:20\nWORKDIR /app\nCOPY . .\nWORKDIR /app/packages/db\nRUN npm run db:sync\n"},
                 "Dockerfile", 5)


def script_own_dir(s):
    """`SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)`, then `$SCRIPT_DIR/reset.sh`: the script's folder."""
    gate_analyze(s, {"scripts/reset.sh": "#!/bin/sh\nnpx knex migrate:rollback --all\n",
                     "scripts/release.sh": '#!/bin/bash\nSCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"\ncd "$SCRIPT_DIR/.."\n"$SCRIPT_DIR/reset.sh"\n',
                     ".github/workflows/deploy.yml": workflow("./scripts/release.sh")}, ".github/workflows/deploy.yml", 7)


def control_script_own_dir(s):
    """The same forms running a script that migrates up: nothing unknown (unknown on 07666381: a computed name)."""
    clean(s, {"scripts/up.sh": "#!/bin/sh\nnpx knex migrate:latest\n",
              "scripts/release.sh": '#!/bin/bash\nSCRIPT_DIR=$(dirname "$0")\nROOT="$(cd "$(dirname "$0")/.." && pwd)"\n'
                                    'cd "$ROOT"\n"$SCRIPT_DIR/up.sh"\nbash "${SCRIPT_DIR}/up.sh"\n',
              ".github/workflows/deploy.yml": workflow("./scripts/release.sh")})


def gitlab_include_remote(s):
    """`.gitlab-ci.yml` including a remote file, another project's, a template or a component: not readable."""
    gate_analyze(s, {".gitlab-ci.yml": "include:\n  - remote: 'https://example.com/ci/deploy.yml'\n  - project: 'ops/ci'\n    file: '/deploy.yml'\n"
                                       "  - template: Auto-DevOps.gitlab-ci.yml\n  - component: $CI_SERVER_FQDN/ops/db/migrate@1.0\n"
                                       "deploy:\n  script:\n    - npx knex migrate:latest\n"}, ".gitlab-ci.yml", 2)


def env_value_github_env(s):
    """A step before writes $GITHUB_ENV (here from a file): `ACTION: latest` is not taken as the value."""
    wf = ENV_WF.format(action="latest").replace("      - run: npx knex", "      - run: cat .deploy-env >> \"$GITHUB_ENV\"\n      - run: npx knex")
    gate_analyze(s, {".deploy-env": "ACTION=rollback\n", ".github/workflows/deploy.yml": wf}, ".github/workflows/deploy.yml", 10)


def env_value_merge_key(s):
    """The step's env merges an anchor (`<<: *deploy`) over the job's `ACTION: latest`: not taken as known."""
    wf = ("on: push\nx-deploy: &deploy\n  ACTION: rollback\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      ACTION: latest\n"
          "    steps:\n      - env:\n          <<: *deploy\n        run: npx knex migrate:$ACTION\n")
    gate_analyze(s, {".github/workflows/deploy.yml": wf}, ".github/workflows/deploy.yml", 12)


SAFE_PACKAGE = {"packages/safe/package.json": '{\n  "name": "@app/safe",\n  "scripts": {\n    "db:sync": "knex migrate:latest"\n  }\n}\n'}


def script_cd_in_function(s):
    """`cd packages/db` in a function the script then calls: the folder after it is not known (root's
    db:sync is harmless, packages/db's rolls back)."""
    gate_analyze(s, {**DB_PACKAGE, "package.json": '{"name": "app", "scripts": {"db:sync": "knex migrate:latest"}}\n',
                     "scripts/release.sh": "#!/bin/sh\nset -e\ngo_db() {\n  cd packages/db\n}\ngo_db\nnpm run db:sync\n",
                     ".github/workflows/deploy.yml": workflow("./scripts/release.sh")}, ".github/workflows/deploy.yml", 7)


def script_cd_conditional(s):
    """A `cd` that does not run (`if false; then cd packages/safe; fi`; script_cd_and: `false && cd
    packages/safe`) is not taken for the folder: root's db:sync, which rolls back, is what runs."""
    gate_analyze(s, {**SAFE_PACKAGE, "package.json": '{"name": "app", "scripts": {"db:sync": "knex migrate:rollback --all"}}\n',
                     "scripts/a.sh": "#!/bin/sh\nif false; then\n  cd packages/safe\nfi\nnpm run db:sync\n",
                     ".github/workflows/deploy.yml": workflow("./scripts/a.sh")}, ".github/workflows/deploy.yml", 7)


def script_cd_and(s):
    gate_analyze(s, {**SAFE_PACKAGE, "package.json": '{"name": "app", "scripts": {"db:sync": "knex migrate:rollback --all"}}\n',
                     "scripts/a.sh": "#!/bin/sh\nfalse && cd packages/safe\nnpm run db:sync\n",
                     ".github/workflows/deploy.yml": workflow("./scripts/a.sh")}, ".github/workflows/deploy.yml", 7)


def script_own_dir_reassigned(s):
    """`DIR=$(dirname "$0")`, then `DIR=/opt/other` (or a sourced script that sets it): `$DIR/up.sh` is no
    longer scripts/up.sh."""
    gate_analyze(s, {"scripts/up.sh": "#!/bin/sh\nnpx knex migrate:latest\n",
                     "scripts/lib.sh": "DIR=/opt/deploy\n",
                     "scripts/release.sh": '#!/bin/bash\nDIR=$(dirname "$0")\n. "$DIR/lib.sh"\n"$DIR/up.sh"\n',
                     ".github/workflows/deploy.yml": workflow("./scripts/release.sh")}, ".github/workflows/deploy.yml", 7)


def prefix_run_added_in_pr(s):
    """packages/db's db:sync is already there; the pull request adds only `npm --prefix packages/db run
    db:sync` and `npm run db:sync -w @app/db` steps: pr reads that package's script."""
    base = {**KNEX, **DB_PACKAGE, "package.json": '{"name": "app", "workspaces": ["packages/*"], "dependencies": {"knex": "3.1.0"}}\n',
            ".github/workflows/deploy.yml": workflow("npx knex migrate:latest")}
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx knex migrate:latest", "npm --prefix packages/db run db:sync")},
              ".github/workflows/deploy.yml", 8, base=base)


def workspace_run_added_in_pr(s):
    base = {**KNEX, **DB_PACKAGE, "package.json": '{"name": "app", "workspaces": ["packages/*"], "dependencies": {"knex": "3.1.0"}}\n',
            ".github/workflows/deploy.yml": workflow("npx knex migrate:latest")}
    gate_both(s, {".github/workflows/deploy.yml": workflow("npx knex migrate:latest", "npm run db:sync -w @app/db")},
              ".github/workflows/deploy.yml", 8, base=base)


# Controls.
def control_helper_scripts(s):
    """knex projects' helpers nothing runs at deploy, a Makefile's down target, a workflow migrating up.
    (A workflow's `npm test` runs the test script, as `npm run test` does: its rollback is unknown
    there, test_deploy_hidden.py npm_test_alias.)"""
    clean(s, {"package.json": '{\n  "name": "app",\n  "scripts": {\n    "migrate": "knex migrate:latest",\n'
                              '    "db:rollback": "knex migrate:rollback",\n    "migrate:down": "knex migrate:down",\n'
                              '    "test": "knex migrate:rollback --all && knex migrate:latest && jest"\n  }\n}\n',
              "Makefile": "migrate-up:\n\tmigrate -path db/m -database $(DB) up\nmigrate-down:\n\tmigrate -path db/m -database $(DB) down 1\n",
              ".github/workflows/deploy.yml": workflow("npx knex migrate:latest", "npm run migrate")})


SCENARIOS = {
    "knex_rollback": knex_rollback,
    "sequelize_undo_all": sequelize_undo_all,
    "node_pg_migrate_down_script": node_pg_migrate_down_script,
    "prisma_reset": prisma_reset,
    "supabase_reset": supabase_reset,
    "goose_reset_continued": goose_reset_continued,
    "dbmate_procfile": dbmate_procfile,
    "golang_migrate_makefile": golang_migrate_makefile,
    "kubernetes_job": kubernetes_job,
    "flyway_clean": flyway_clean,
    "npm_run_rollback": npm_run_rollback,
    "npm_run_migrate_down": npm_run_migrate_down,
    "db_migrate_config": db_migrate_config,
    "graphile_config": graphile_config,
    "flyway_config_files": flyway_config_files,
    "flyway_config_env": flyway_config_env,
    "sequelize_cli_config": sequelize_cli_config,
    "sequelizerc_unfolded": sequelizerc_unfolded,
    "node_config_env": node_config_env,
    "node_config_dotenv": node_config_dotenv,
    "pg_service_file": pg_service_file,
    "schema_continued": schema_continued,
    "schema_folded": schema_folded,
    "npmrc_env_value": npmrc_env_value,
    "npmrc_userconfig": npmrc_userconfig,
    "npmrc_script_shell": npmrc_script_shell,
    "npmrc_userconfig_changed": npmrc_userconfig_changed,
    "npmrc_globalconfig_changed": npmrc_globalconfig_changed,
    "npm_node_options_flag": npm_node_options_flag,
    "package_config_variable": package_config_variable,
    "node_env_file": node_env_file,
    "node_continued": node_continued,
    "node_pg_migrate_ignore_pattern": node_pg_migrate_ignore_pattern,
    "node_pg_migrate_ignore_pattern_config": node_pg_migrate_ignore_pattern_config,
    "script_by_path": script_by_path,
    "script_helper_name": script_helper_name,
    "script_nested_cycle": script_nested_cycle,
    "script_computed": script_computed,
    "script_package_json": script_package_json,
    "make_helper_target": make_helper_target,
    "script_changed_in_pr": script_changed_in_pr,
    "script_run_added_in_pr": script_run_added_in_pr,
    "control_scripts_run": control_scripts_run,
    "control_data_lines": control_data_lines,
    "control_helper_scripts": control_helper_scripts,
    "env_value_changed_in_pr": env_value_changed_in_pr,
    "matrix_value_changed_in_pr": matrix_value_changed_in_pr,
    "control_env_literal": control_env_literal,
    "matrix_item_added_in_pr": matrix_item_added_in_pr,
    "working_directory_default": working_directory_default,
    "script_cd_carries": script_cd_carries,
    "dockerfile_workdir": dockerfile_workdir,
    "script_own_dir": script_own_dir,
    "control_script_own_dir": control_script_own_dir,
    "gitlab_include_remote": gitlab_include_remote,
    "prefix_run_added_in_pr": prefix_run_added_in_pr,
    "script_cd_in_function": script_cd_in_function,
    "script_cd_conditional": script_cd_conditional,
    "script_cd_and": script_cd_and,
    "script_own_dir_reassigned": script_own_dir_reassigned,
    "env_value_github_env": env_value_github_env,
    "env_value_merge_key": env_value_merge_key,
    "workspace_run_added_in_pr": workspace_run_added_in_pr,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
