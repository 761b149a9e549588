"""MikroORM settings pgfence read partly (issue #53, cfg88): an options object spread from elsewhere
(`defineConfig({ ...require('./base') })`) may set migrations.path, so a spread pgfence cannot read
is unknown at its line, and a local object literal's keys are read; MIKRO_ORM_MIGRATIONS_PATH (and
the other MIKRO_ORM_ keys that move the folder or the configuration) in the `env:` of the workflow
step that runs `mikro-orm migration:up` is read, or unknown at its line when computed. `pr` and `analyze`, both with
`--ci --unknown block --max-risk low`, on real git repositories and the real binary.

    test_mikro_orm_settings.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402
from test_mikro_orm import CREATE, DROP, PACKAGE, main, pr  # noqa: E402


def analyze(r):
    proc = r.run("analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", r.dir)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"analyze --format json printed no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc, report


def unknowns(report):
    """(path, line) of each unknown; analyze's absolute paths made the repository's."""
    return [(p.split("/repo/", 1)[-1], f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement"]


def spread_config(spread):
    return ('const { defineConfig } = require("@mikro-orm/postgresql");\n'
            'const { Migrator } = require("@mikro-orm/migrations");\n'
            f'{spread[0]}'
            'module.exports = defineConfig({\n'
            f'  ...{spread[1]},\n'
            '  clientUrl: process.env.DATABASE_URL,\n'
            '  extensions: [Migrator],\n'
            '});\n')


BASE = 'module.exports = {\n  migrations: { path: "./db/changes" },\n};\n'


def mikro_spread(binary, tmp):
    """The options spread from a required file that moves migrations.path to db/changes, where the
    head drops users: unknown at the spread's line (before, the default ./migrations was read and
    analyze passed). A spread of a local object literal is read as its keys."""
    r = Repo(binary, os.path.join(tmp, "required"))
    files = {"package.json": PACKAGE, "mikro-orm.config.js": spread_config(("", 'require("./orm.base")')), "orm.base.js": BASE,
             "db/changes/Migration20240101000000.js": CREATE}
    b = r.commit(files)
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
    proc, report = pr(r, b, h)
    check(("mikro-orm.config.js", 4) in unknowns(report) and proc.returncode == 1,
          f"pr: the unread spread is unknown at its line: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")

    # A local object literal spread: its migrations.path is read, the migration reviewed.
    r = Repo(binary, os.path.join(tmp, "local"))
    local = ('const base = {\n  migrations: { path: "./db/changes" },\n};\n', "base")
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": spread_config(local), "db/changes/Migration20240101000000.js": CREATE})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
    proc, report = pr(r, b, h)
    files = [f["path"] for f in report["files"]]
    check("db/changes/Migration20240102000000.js" in files and proc.returncode == 1 and ("mikro-orm.config.js", 7) not in unknowns(report),
          f"a local spread is read: files {files} unknowns {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def mikro_spread_control(binary, tmp):
    """No false unknowns: a configuration without spreads, and a spread inside a key's value
    (driverOptions), leave an ordinary pull request clean and analyze passing."""
    r = Repo(binary, os.path.join(tmp, "control"))
    cfg = ('const { defineConfig } = require("@mikro-orm/postgresql");\n'
           'const pool = require("./pool");\n'
           'module.exports = defineConfig({\n'
           '  clientUrl: process.env.DATABASE_URL,\n'
           '  driverOptions: { ...pool, connection: { ssl: true } },\n'
           '  migrations: { path: "./db/changes" },\n'
           '});\n')
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": cfg, "pool.js": "module.exports = { max: 5 };\n", "db/changes/x.sql": ""})
    git(r.dir, "checkout", "-qb", "docs")
    h = r.commit({"README.md": "docs\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def deploy(env_lines, step_env=""):
    return ("on: push\n" + env_lines.get("workflow", "") + "jobs:\n  migrate:\n    runs-on: ubuntu-latest\n" + env_lines.get("job", "") +
            "    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npx mikro-orm migration:up\n" + step_env)


PLAIN = ('module.exports = {\n  clientUrl: process.env.DATABASE_URL,\n  migrations: { tableName: "mikro_orm_migrations" },\n};\n')
WFP = ".github/workflows/migrate.yml"


def mikro_workflow_env(binary, tmp):
    """MIKRO_ORM_MIGRATIONS_PATH in the job's (or the step's, or the workflow's) env: moves the folder
    the step's `mikro-orm migration:up` runs; a migration added there is reviewed. Computed there
    (`${{ vars.DIR }}`): unknown at its line."""
    forms = {"job": {"job": "    env:\n      MIKRO_ORM_MIGRATIONS_PATH: ./db/changes\n"},
             "workflow": {"workflow": "env:\n  MIKRO_ORM_MIGRATIONS_PATH: db/changes\n"},
             "step": {"step": "        env:\n          MIKRO_ORM_MIGRATIONS_PATH: \"./db/changes\"\n"}}
    for name, where in forms.items():
        r = Repo(binary, os.path.join(tmp, name))
        b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": PLAIN, WFP: deploy(where, where.get("step", "")),
                      "db/changes/Migration20240101000000.js": CREATE})
        git(r.dir, "checkout", "-qb", "feature")
        h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
        proc, report = pr(r, b, h)
        files = [f["path"] for f in report["files"]]
        check("db/changes/Migration20240102000000.js" in files and proc.returncode == 1,
              f"{name}: pr reviews the migration: files {files} {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
    r = Repo(binary, os.path.join(tmp, "computed"))
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": PLAIN, "README.md": "x\n",
                  WFP: deploy({"job": "    env:\n      MIKRO_ORM_MIGRATIONS_PATH: ${{ vars.MIGRATIONS_DIR }}\n"})})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
    proc, report = pr(r, b, h)
    check((WFP, 6) in unknowns(report) and proc.returncode == 1, f"computed: unknown at its line: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def mikro_workflow_env_control(binary, tmp):
    """A workflow with unrelated env (NODE_ENV, DATABASE_URL from a secret): an ordinary pull request
    stays clean, and a migration of the default folder is reviewed as before."""
    r = Repo(binary, os.path.join(tmp, "control"))
    where = {"job": "    env:\n      NODE_ENV: production\n      DATABASE_URL: ${{ secrets.DATABASE_URL }}\n"}
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": PLAIN, WFP: deploy(where), "migrations/Migration20240101000000.js": CREATE})
    git(r.dir, "checkout", "-qb", "docs")
    h = r.commit({"README.md": "docs\n", "src/app.js": "module.exports = () => 1;\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"spread": mikro_spread, "spread_control": mikro_spread_control,
             "workflow_env": mikro_workflow_env, "workflow_env_control": mikro_workflow_env_control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
