"""Tool settings pgfence takes from the environment, set where the command sees them but outside an
`env:` map (issue #53, red team R88b F3, F4): `export NAME=v` in the run block before the command,
`echo "NAME=v" >> $GITHUB_ENV` in an earlier step of the job, a Yarn setting (YARN_YARN_PATH,
YARN_RC_FILENAME) in any of those or an `env:` map. MikroORM's literal folder is read; Yarn's code
setting, and a $GITHUB_ENV write pgfence cannot read, are unknown at their line. `pr` with `--ci
--unknown block --max-risk low`, on real git repositories and the real binary.

    test_tool_env_writes.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402
from test_mikro_orm import CREATE, DROP, PACKAGE, main, pr  # noqa: E402
from test_mikro_orm_settings import PLAIN, WFP, analyze, unknowns  # noqa: E402


def workflow(steps):
    return ("on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + steps)


def mikro_moved(binary, tmp, name, steps):
    """The head adds a migration dropping users to db/changes, the folder `steps` moves MikroORM to."""
    r = Repo(binary, os.path.join(tmp, name))
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": PLAIN, WFP: workflow(steps), "db/changes/Migration20240101000000.js": CREATE})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
    return pr(r, b, h)


def mikro_export(binary, tmp):
    """`export MIKRO_ORM_MIGRATIONS_PATH=./db/changes` before `npx mikro-orm migration:up` (R88b F4
    export): the migration is reviewed (before: "0 files", exit 0)."""
    for name, line in {"export": "export MIKRO_ORM_MIGRATIONS_PATH=./db/changes", "declare": "declare -x MIKRO_ORM_MIGRATIONS_PATH=\"db/changes\""}.items():
        proc, report = mikro_moved(binary, tmp, name, f"      - run: |\n          {line}\n          npx mikro-orm migration:up\n")
        files = [f["path"] for f in report["files"]]
        check("db/changes/Migration20240102000000.js" in files and proc.returncode == 1,
              f"{name}: pr reviews the migration: files {files} {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def mikro_github_env(binary, tmp):
    """An earlier step's `echo "MIKRO_ORM_MIGRATIONS_PATH=db/changes" >> $GITHUB_ENV` (R88b F4 ghenv):
    the migration is reviewed; a write pgfence cannot read (`cat ci.env >> $GITHUB_ENV`) is unknown at its line."""
    proc, report = mikro_moved(binary, tmp, "ghenv", "      - run: echo \"MIKRO_ORM_MIGRATIONS_PATH=db/changes\" >> $GITHUB_ENV\n"
                                                     "      - run: npx mikro-orm migration:up\n")
    files = [f["path"] for f in report["files"]]
    check("db/changes/Migration20240102000000.js" in files and proc.returncode == 1,
          f"ghenv: pr reviews the migration: files {files} {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = mikro_moved(binary, tmp, "cat", "      - run: cat ci.env >> \"$GITHUB_ENV\"\n      - run: npx mikro-orm migration:up\n")
    check((WFP, 7) in unknowns(report) and proc.returncode == 1, f"cat: unknown at its line: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = mikro_moved(binary, tmp, "computed", "      - run: |\n          export MIKRO_ORM_MIGRATIONS_PATH=\"$(cat dir.txt)\"\n"
                                                        "          npx mikro-orm migration:up\n")
    check((WFP, 8) in unknowns(report) and proc.returncode == 1, f"computed: unknown at its line: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


KNEX_PACKAGE = '{"name":"app","private":true,"packageManager":"yarn@4.1.0","scripts":{"migrate":"knex migrate:latest"},"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n'
KNEX = {"package.json": KNEX_PACKAGE, "knexfile.js": "module.exports = { client: 'pg', connection: process.env.DATABASE_URL };\n",
        "migrations/20240101000000_users.js": "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.bigIncrements('id'); });\n"
                                              "exports.down = () => {};\n",
        ".yarnrc.yml": "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.1.0.cjs\n",
        ".yarn/releases/yarn-4.1.0.cjs": "#!/usr/bin/env node\n/* yarn 4.1.0 */\nmodule.exports = {};\n"}
PAYLOAD = "require('child_process').execSync('psql \"$DATABASE_URL\" -c \"DROP TABLE users\"');\n"


def yarn_setting(binary, tmp):
    """A Yarn setting from the environment names the code `yarn migrate` runs in place of Yarn (R88b
    F3): in a step's env:, inline, exported, written to $GITHUB_ENV, or the rc file's name. The pull
    request that adds it and the file needs a person, with an unknown at the line that sets it
    (before: exit 0)."""
    forms = {"envpath": ("      - run: yarn migrate\n        env:\n          YARN_YARN_PATH: tools/ci-yarn.cjs\n", 9),
             "inline": ("      - run: YARN_YARN_PATH=tools/ci-yarn.cjs yarn migrate\n", 7),
             "export": ("      - run: |\n          export YARN_YARN_PATH=tools/ci-yarn.cjs\n          yarn migrate\n", 8),
             "ghenv": ("      - run: echo \"YARN_YARN_PATH=tools/ci-yarn.cjs\" >> $GITHUB_ENV\n      - run: yarn migrate\n", 7),
             "ghenv_cat": ("      - run: cat ci.env >> $GITHUB_ENV\n      - run: yarn migrate\n", 7),
             "rcname": ("      - run: yarn migrate\n        env:\n          YARN_RC_FILENAME: ci.yarnrc.yml\n", 9),
             # Only yarnPath may name the checked-in release: a plugin there is not Yarn.
             "plugins": ("      - run: yarn migrate\n        env:\n          YARN_PLUGINS: .yarn/releases/yarn-4.1.0.cjs\n", 9)}
    for name, (steps, line) in forms.items():
        r = Repo(binary, os.path.join(tmp, name))
        b = r.commit({**KNEX, WFP: workflow("      - run: yarn migrate\n")})
        git(r.dir, "checkout", "-qb", "feature")
        h = r.commit({WFP: workflow(steps), "tools/ci-yarn.cjs": PAYLOAD, "ci.yarnrc.yml": "yarnPath: tools/ci-yarn.cjs\n",
                      "ci.env": "YARN_YARN_PATH=tools/ci-yarn.cjs\n"}, "ci yarn")
        proc, report = pr(r, b, h)
        check((WFP, line) in unknowns(report) and proc.returncode == 1,
              f"{name}: unknown at {WFP}:{line}: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def env_control(binary, tmp):
    """No false unknowns: an unrelated `export NODE_ENV=production`, `echo "FOO=bar" >> $GITHUB_ENV`,
    and YARN_YARN_PATH naming the release checked in under .yarn/releases/, on the steps running
    `yarn migrate` and `npx mikro-orm migration:up`: an ordinary pull request is clean, analyze has no unknown."""
    steps = ("      - run: echo \"FOO=bar\" >> $GITHUB_ENV\n"
             "      - run: echo \"VERSION=$(git rev-parse --short HEAD)\" >> \"$GITHUB_ENV\"\n"
             "      - run: |\n          export NODE_ENV=production\n          yarn migrate\n        env:\n"
             "          YARN_YARN_PATH: .yarn/releases/yarn-4.1.0.cjs\n"
             "      - run: |\n          export NODE_ENV=production\n          npx mikro-orm migration:up\n")
    r = Repo(binary, os.path.join(tmp, "control"))
    b = r.commit({**KNEX, "mikro-orm.config.js": PLAIN, WFP: workflow(steps)})
    git(r.dir, "checkout", "-qb", "docs")
    h = r.commit({"README.md": "docs\n", "src/app.js": "module.exports = () => 1;\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"mikro_export": mikro_export, "mikro_github_env": mikro_github_env, "yarn_setting": yarn_setting, "env_control": env_control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
