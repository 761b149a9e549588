"""False unknowns of stranger review 84 (issue #53: unknown is never clean, but no false unknowns on
ordinary projects). Each scenario writes a benign form modelled on what the review met in real
projects (a workflow's matrix values, an image action's tag list, an actions/github-script step,
vercel.json routes, a sed program across lines, a comment, an installer piped to `sh -s`, a
Dockerfile RUN's `cd`, async in a migration, a psql init script) and asserts nothing is unknown,
then a paired control: the dangerous form in the same place is still unknown at its line. The
benign forms were each an unknown (or exit 2) on b5a80b38.

    test_review84_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, clean, gate_analyze  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

WF = ".github/workflows/ci.yml"
ROLLBACK = "npx knex migrate:rollback --all"


def steps(*lines):
    """A workflow whose steps are given as raw YAML lines (each indented as a step's first line)."""
    return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + "".join(lines)


# FU-6: a matrix's values are substituted where `${{ matrix.X }}` names them, never run by themselves.
# A working directory a step computes makes a bare word a script pgfence cannot find (Unleash's
# e2e and build workflows).
COMPUTED_DIR = "    defaults:\n      run:\n        working-directory: ${{ inputs.working-directory || '.' }}/frontend\n"
MATRIX = ("    strategy:\n      matrix:\n        shard: ${{ fromJSON(inputs.shards || '[\"1/1\"]') }}\n        spec:\n"
          "          - enterprise/feature.spec.ts\n          - oss/segments/segments.spec.ts\n" + COMPUTED_DIR)


def matrix_values(s):
    clean(s, {WF: "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n" + MATRIX +
              "    steps:\n      - uses: actions/checkout@v4\n      - run: npx playwright test ${{ matrix.spec }} --shard ${{ matrix.shard }}\n"})


def matrix_values_control(s):
    """A matrix value that is a command, where a step runs it: unknown at the step."""
    gate_analyze(s, {WF: "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
                         f"        step: [\"{ROLLBACK}\"]\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${{{{ matrix.step }}}}\n"}, WF, 10)


# FU-11: an image action's list of images and tags is data.
METADATA = ("      - uses: docker/metadata-action@v5\n        with:\n          images: |\n"
            "            ghcr.io/${{ github.repository }}\n            docker.io/acme/api\n"
            "          tags: |\n            type=ref,event=branch\n            type=semver,pattern={{version}}\n")


def action_data_input(s):
    clean(s, {WF: steps(METADATA)})


def action_run_input_control(s):
    """A third-party action's input named for a command (`run`, `command`) is read as a command line."""
    gate_analyze(s, {WF: steps("      - uses: acme/db-action@v1\n        with:\n          command: |\n"
                               f"            {ROLLBACK}\n")}, WF, 10)


def action_unknown_input_control(s):
    """A third-party action's input whose name is not a common data name (`sql`) is read too: an
    attacker does not hide a migration tool's rollback in it."""
    gate_analyze(s, {WF: steps(f"      - uses: acme/sql-action@v1\n        with:\n          sql: {ROLLBACK}\n")}, WF, 9)


def action_psql_input_control(s):
    """`psql -c` is found on any line, a data input of a known image action included."""
    gate_analyze(s, {WF: steps("      - uses: docker/metadata-action@v5\n        with:\n"
                               "          images: psql \"$DATABASE_URL\" -c 'DROP TABLE users'\n")}, WF, 9)


# FU-4: actions/github-script's `script:` is JavaScript, not shell.
GITHUB_SCRIPT = ("      - uses: actions/github-script@v7\n        with:\n          script: |\n"
                 "            const slug = title.toLowerCase().replace(/^-+|-+$/g, '');\n"
                 "            const ref = `refs/heads/${slug}`;\n"
                 "            await github.rest.git.createRef({ owner: context.repo.owner, repo: context.repo.repo, ref, sha: context.sha });\n")


def github_script_js(s):
    clean(s, {WF: steps(GITHUB_SCRIPT)})


def github_script_exec_control(s):
    """The script's `exec` (@actions/exec) runs a program pgfence does not follow: unknown at its line."""
    gate_analyze(s, {WF: steps("      - uses: actions/github-script@v7\n        with:\n          script: |\n"
                               f"            await exec.exec('npx', ['knex', 'migrate:rollback', '--all']);\n")}, WF, 10)


# FU-3: vercel.json's routes are URL patterns; only its *Command keys are commands.
VERCEL = ('{\n  "rewrites": [\n    { "source": "/poll/:path*", "destination": "/api/poll/:path*" },\n'
          '    { "source": "/api/:match*", "destination": "https://app.example.com/api/:match*" }\n  ],\n'
          '  "buildCommand": "npm run build"\n}\n')


def vercel_routes(s):
    clean(s, {"apps/landing/vercel.json": VERCEL})


def vercel_command_control(s):
    gate_analyze(s, {"apps/landing/vercel.json": VERCEL.replace("npm run build", ROLLBACK)}, "apps/landing/vercel.json", 6)


# FU-5: a sed program spread over lines is sed's text.
SED_SCRIPT = ("#!/bin/sh\nset -e\nsed -E '\n  s/#.*//\n  /^$/d\n  s/[[:space:]]+$//\n' routes.txt > routes.clean\n")


def sed_program_lines(s):
    clean(s, {"scripts/check-routes.sh": SED_SCRIPT, WF: steps("      - run: bash scripts/check-routes.sh\n")})


def sed_program_control(s):
    """A `bash -c '` spread over lines is a shell's: its lines are read."""
    gate_analyze(s, {"scripts/check-routes.sh": "#!/bin/sh\nset -e\nbash -c '\n  " + ROLLBACK + "\n'\n",
                     WF: steps("      - run: bash scripts/check-routes.sh\n")}, WF, 7)


# FU-7: a comment names no command.
def comment_names_no_command(s):
    clean(s, {WF: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n" + COMPUTED_DIR + "    steps:\n      - uses: actions/checkout@v4\n"
                  "      # Invoked via `pnpm exec` because pnpm does not reliably forward CLI\n      # args appended to `pnpm run` scripts.\n"
                  "      - run: pnpm exec eslint .\n",
              "package.json": '{"name": "app", "scripts": {"lint": "eslint ."}, "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n'})


def comment_control(s):
    """A command before a comment is still run."""
    gate_analyze(s, {WF: steps(f"      - run: {ROLLBACK} # pnpm does not forward args\n")}, WF, 7)


# FU-1: `curl URL | sh -s -- ARGS`: the script is standard input (an installer), ARGS are its arguments.
def sh_stdin_installer(s):
    clean(s, {WF: steps("      - run: curl -sSfL https://example.com/install.sh | sh -s -- -b $GITHUB_WORKSPACE/bin v1.2.0\n")})


def sh_stdin_file_control(s):
    """`sh -s < FILE`: standard input is a repository script, read."""
    gate_analyze(s, {"scripts/reset.sh": "#!/bin/sh\n" + ROLLBACK + "\n", WF: steps("      - run: sh -s -- --yes < scripts/reset.sh\n")}, WF, 7)


# FU-2: a Dockerfile RUN's `cd` holds for that RUN only; CMD starts in WORKDIR.
DOCKERFILE = ("FROM golang:1.22-alpine\nWORKDIR /home/app\n"
              "RUN git clone https://github.com/magefile/mage && \\\n    cd mage && \\\n    go run bootstrap.go\n"
              "COPY . /home/app\nRUN mage build\nCMD [\"./app\"]\n")


def dockerfile_run_cd(s):
    clean(s, {"Dockerfile": DOCKERFILE})


def dockerfile_run_cd_control(s):
    """A script run from a computed folder within the same RUN is still unknown."""
    gate_analyze(s, {"reset-db": "#!/bin/sh\n" + ROLLBACK + "\n", "Dockerfile": "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN cd \"$APP_DIR\" && ./reset-db\n"},
                 "Dockerfile", 4)


# FU-9: async (caolan/async) is control flow over the migration's own calls.
ASYNC_MIGRATION = ("const async = require('async');\n\nexports.up = function (knex) {\n"
                   "  return knex.raw('CREATE TABLE projects (id serial PRIMARY KEY, name text)');\n};\n\n"
                   "exports.down = function (knex) {\n  return knex.raw('DROP TABLE projects');\n};\n")


def async_required(s):
    clean(s, {"migrations/20240102000000_projects.js": ASYNC_MIGRATION})


def async_control(s):
    """A module that may open its own connection (`pg`) is still unknown at its require."""
    pull_request(s, {"migrations/20240102000000_projects.js": ASYNC_MIGRATION.replace("require('async')", "require('pg')")}, KNEX)
    proc, found = analyze(s)
    check(any(f["rule"] == "unknown-statement" and f["path"] == "migrations/20240102000000_projects.js" and f["line"] == 1 for f in found),
          f"analyze: require('pg') unknown at line 1: {found}")


# FU-12: `prisma db seed` runs the seed program, unseen; the migrations folder is not in question.
def prisma_seed_message(s):
    """Still unknown at the script's line, saying what is unseen (the seed program), never that the
    migrations folder is unknown while the note above names it."""
    pull_request(s, {"prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
                     "prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE t (id int);\n",
                     "package.json": '{\n  "name": "app",\n  "scripts": {\n    "db:seed": "prisma db seed"\n  },\n'
                                     '  "dependencies": {"prisma": "6.0.0"}\n}\n'}, {})
    _, found = analyze(s)
    at = [f["message"] for f in found if f["rule"] == "unknown-statement" and f["path"] == "package.json" and f["line"] == 4]
    check(at and "seed" in at[0] and "which folder" not in at[0], f"package.json:4 unknown, naming the seed program: {found}")


# FP-6: a container's psql init script (\set, \gexec) is psql's: no syntax error, no exit 2.
INIT_SQL = ("\\set ON_ERROR_STOP on\n\nDO\n$$\nBEGIN\n   IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN\n"
            "      CREATE ROLE app_user LOGIN;\n   END IF;\nEND\n$$;\n\n"
            "SELECT 'CREATE DATABASE app WITH OWNER app_user'\n WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'app');\n\\gexec\n")
INIT_DOCKERFILE = "FROM postgres:15\nCOPY init-app.sql /docker-entrypoint-initdb.d/init-app.sql\n"


def run_plain(s):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", "."], cwd=s.repo, capture_output=True, text=True, timeout=120)
    return proc


def psql_init_script(s):
    """No unparsable statement and no exit 2; the \\gexec (which runs the query's values as statements) is unknown at its line."""
    pull_request(s, {"docker/db/init-app.sql": INIT_SQL, "docker/db/Dockerfile": INIT_DOCKERFILE}, KNEX)
    proc = run_plain(s)
    check(proc.returncode == 0, f"analyze exits 0: {proc.returncode}\n{proc.stderr}")
    check("syntax error" not in proc.stderr, f"no syntax error: {proc.stderr}")
    # The knexfile names the project's migrations; this image's init script is set aside as loose SQL
    # (review 87: no tool runs it on the database the migrations change), saying why. Read, its
    # \\gexec would be unknown at its line and nothing unparsable.
    report = json.loads(proc.stdout)
    entry = [f for f in report["files"] if f["path"].lstrip("./") == "docker/db/init-app.sql"]
    check(len(entry) == 1 and entry[0].get("skipped") and "not a migration" in entry[0].get("skip_reason", ""),
          f"init-app.sql is set aside, saying why: {json.dumps(entry)[:1500]}")


def psql_meta_migration_control(s):
    """In a migration tool's file (Prisma sends the text to the server) a backslash is still a syntax error: exit 2."""
    pull_request(s, {"prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
                     "prisma/migrations/20240101000000_init/migration.sql": "\\set ON_ERROR_STOP on\nCREATE TABLE t (id int);\n"}, {})
    proc = run_plain(s)
    check(proc.returncode == 2 and "syntax error" in proc.stderr, f"analyze exits 2 with a syntax error: {proc.returncode}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in (
    matrix_values, matrix_values_control, action_data_input, action_run_input_control, action_unknown_input_control, action_psql_input_control,
    github_script_js, github_script_exec_control, vercel_routes, vercel_command_control, sed_program_lines, sed_program_control,
    comment_names_no_command, comment_control, sh_stdin_installer, sh_stdin_file_control, dockerfile_run_cd, dockerfile_run_cd_control,
    async_required, async_control, prisma_seed_message, psql_init_script, psql_meta_migration_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
