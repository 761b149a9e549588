"""Deploy scripts without a command file's name, and env files a run block sources (issue #53, red
team R88c F1, F7). A file a command file runs as a shell script (`./bin/db-maintenance` with a
`#!/bin/sh` line or none, `sh bin/x`, `sh tools/reset.txt`, `. tools/db.conf`) is read as a command
file whatever its name, by `analyze` and by `pr`; a changed file with a shell `#!` line is reviewed as
one. A `.`/`source` of a repository file before `npx mikro-orm` sets the MIKRO_ORM_ variables it
holds; one pgfence cannot read is unknown at its line, and a change to a sourced file is a settings
change. `pr` with `--ci --unknown block --max-risk low`, on real git repositories and the real binary.

    test_command_files89.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402
from test_mikro_orm import CREATE, DROP, PACKAGE, main, pr  # noqa: E402
from test_mikro_orm_settings import PLAIN, WFP, analyze, unknowns  # noqa: E402

PRISMA = {"prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
          "package.json": '{"name":"app","private":true,"scripts":{"migrate":"prisma migrate deploy"},"dependencies":{"prisma":"5.0.0"}}\n'}
PSQL = 'psql "$DATABASE_URL" -c "DROP TABLE users"\n'


def workflow(steps):
    return ("on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: npm ci && npx prisma migrate deploy\n" + steps)


def script_changed(binary, tmp, name, run, path, before, after):
    """The deploy runs `run`; the pull request changes only `path` from `before` to `after`."""
    r = Repo(binary, os.path.join(tmp, name))
    b = r.commit({**PRISMA, WFP: workflow(f"      - run: {run}\n"), path: before})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({path: after}, "maintenance")
    return r, pr(r, b, h)


def noext_shebang(binary, tmp):
    """`./bin/db-maintenance` with `#!/bin/sh`: the pull request that makes it psql a DROP TABLE is
    unknown at that line (before: a note only, exit 0)."""
    for name, shebang in {"sh": "#!/bin/sh\n", "env": "#!/usr/bin/env bash\n", "none": ""}.items():
        line = 2 if shebang else 1
        _, (proc, report) = script_changed(binary, tmp, name, "./bin/db-maintenance", "bin/db-maintenance",
                                           shebang + 'echo "nothing to do"\n', shebang + PSQL)
        check(("bin/db-maintenance", line) in unknowns(report) and proc.returncode == 1,
              f"{name}: unknown at bin/db-maintenance:{line}: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def noext_plain(binary, tmp):
    """`sh bin/db-maintenance`, no `#!` line: pr and analyze read it as a shell script (before: both exit 0)."""
    r, (proc, report) = script_changed(binary, tmp, "plain", "sh bin/db-maintenance", "bin/db-maintenance", 'echo "nothing to do"\n', PSQL)
    check(("bin/db-maintenance", 1) in unknowns(report) and proc.returncode == 1,
          f"pr: unknown at bin/db-maintenance:1: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(("bin/db-maintenance", 1) in unknowns(report) and proc.returncode == 1,
          f"analyze: unknown at bin/db-maintenance:1: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def other_names(binary, tmp):
    """`bash tools/reset.txt` and `. tools/db.conf`: read as shell whatever the extension (before: 0)."""
    for name, run, path in [("txt", "bash tools/reset.txt", "tools/reset.txt"), ("conf", "|\n          . tools/db.conf\n          echo done", "tools/db.conf"),
                            ("source", "source tools/db.conf", "tools/db.conf")]:
        r, (proc, report) = script_changed(binary, tmp, name, run, path, "echo reset\n", "echo reset\n" + PSQL)
        check((path, 2) in unknowns(report) and proc.returncode == 1, f"{name}: pr unknown at {path}:2: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")
        proc, report = analyze(r)
        check((path, 2) in unknowns(report), f"{name}: analyze unknown at {path}:2: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def shebang_changed(binary, tmp):
    """A file the pull request adds with a shell `#!` line is reviewed as a command file, run by
    nothing pgfence reads (a cron job, an operator): its psql is unknown (before: exit 0)."""
    r = Repo(binary, os.path.join(tmp, "added"))
    b = r.commit({**PRISMA, WFP: workflow("")})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"ops/wipe-users": "#!/usr/bin/env -S bash -e\n" + PSQL}, "ops")
    proc, report = pr(r, b, h)
    check(("ops/wipe-users", 2) in unknowns(report) and proc.returncode == 1,
          f"unknown at ops/wipe-users:2: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


MIKRO_STEPS = {"seta": "      - run: |\n          set -a\n          . ./ci.env\n          set +a\n          npx mikro-orm migration:up\n",
               "source": "      - run: |\n          source ci.env\n          export MIKRO_ORM_MIGRATIONS_PATH\n          npx mikro-orm migration:up\n",
               "allexport": "      - run: |\n          set -o allexport; . tools/db.conf; set +o allexport\n          npx mikro-orm migration:up\n"}


def mikro_repo(binary, tmp, name, steps, extra):
    r = Repo(binary, os.path.join(tmp, name))
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": PLAIN, "db/changes/Migration20240101000000.js": CREATE,
                  WFP: "on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + steps, **extra})
    git(r.dir, "checkout", "-qb", "feature")
    return r, b


def mikro_sourced(binary, tmp):
    """MikroORM's folder from a file the step sources (R88c F7 seta, source): the migration the pull
    request adds there is reviewed (before: "0 files", exit 0)."""
    env = {"ci.env": "MIKRO_ORM_MIGRATIONS_PATH=./db/changes\n", "tools/db.conf": "# CI database\nexport MIKRO_ORM_MIGRATIONS_PATH='db/changes'\n"}
    for name, steps in MIKRO_STEPS.items():
        r, b = mikro_repo(binary, tmp, name, steps, env)
        h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
        proc, report = pr(r, b, h)
        files = [f["path"] for f in report["files"]]
        check("db/changes/Migration20240102000000.js" in files and proc.returncode == 1,
              f"{name}: pr reviews the migration: files {files} {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def mikro_sourced_change(binary, tmp):
    """The pull request changes only the sourced tools/db.conf to name a folder of old migrations:
    a settings change (before: exit 0)."""
    r, b = mikro_repo(binary, tmp, "change", MIKRO_STEPS["allexport"],
                      {"tools/db.conf": "MIKRO_ORM_MIGRATIONS_PATH=db/changes\n", "db/old/Migration20230101000000.js": DROP})
    h = r.commit({"tools/db.conf": "MIKRO_ORM_MIGRATIONS_PATH=db/old\n"}, "move")
    proc, report = pr(r, b, h)
    at = [(p, f["start"]["line"]) for p, f in findings(report)]
    check(("tools/db.conf", 1) in at and proc.returncode == 1, f"a finding at tools/db.conf:1: {at} exit {proc.returncode}\n{proc.stderr}")


def mikro_sourced_unread(binary, tmp):
    """A sourced file pgfence cannot read (a computed name, one the repository does not hold) before
    the CLI: unknown at its line (before: exit 0)."""
    for name, line in {"computed": '. "$CI_ENV_FILE"', "absent": "source ./generated.env"}.items():
        r, b = mikro_repo(binary, tmp, name, f"      - run: |\n          set -a\n          {line}\n          npx mikro-orm migration:up\n", {})
        h = r.commit({"db/changes/Migration20240102000000.js": DROP}, "retire users")
        proc, report = pr(r, b, h)
        check((WFP, 9) in unknowns(report) and proc.returncode == 1, f"{name}: unknown at {WFP}:9: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


def control(binary, tmp):
    """No false unknowns: a Rails app's bin/setup (bash, no database) and bin/rails (ruby) that the
    workflow runs, `. ~/.nvm/nvm.sh` and a sourced ci.env with no MikroORM variable before `npx
    mikro-orm migration:up`; the pull request changes both scripts' harmless lines: clean, exit 0;
    analyze has no unknown."""
    steps = ("      - run: ./bin/setup\n      - run: bin/rails assets:precompile\n"
             "      - run: |\n          . ~/.nvm/nvm.sh\n          set -a; . ./ci.env; set +a\n          npx mikro-orm migration:up\n")
    r = Repo(binary, os.path.join(tmp, "control"))
    setup = "#!/usr/bin/env bash\nset -euo pipefail\nbundle install\nyarn install\n"
    rails = '#!/usr/bin/env ruby\nAPP_PATH = File.expand_path("../config/application", __dir__)\nrequire_relative "../config/boot"\nrequire "rails/commands"\n'
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": PLAIN,
                  WFP: "on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + steps,
                  "bin/setup": setup, "bin/rails": rails, "ci.env": "NODE_ENV=production\nLOG_LEVEL=info\n"})
    git(r.dir, "checkout", "-qb", "tidy")
    h = r.commit({"bin/setup": setup + 'echo "== done"\n', "bin/rails": rails + "# rails\n", "README.md": "setup: bin/setup\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"pr clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")
    proc, report = analyze(r)
    check(not unknowns(report), f"analyze: no unknown: {unknowns(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"noext_shebang": noext_shebang, "noext_plain": noext_plain, "other_names": other_names, "shebang_changed": shebang_changed,
             "mikro_sourced": mikro_sourced, "mikro_sourced_change": mikro_sourced_change, "mikro_sourced_unread": mikro_sourced_unread,
             "control": control}


if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
