"""MikroORM's migrations folder, as its CLI finds its configuration (red team R87 F6): a pull
request adding a migration to the folder `migrations.path` (or `pathTs`) names, in a
mikro-orm.config.js, a file package.json's "mikro-orm".configPaths lists, must be reviewed as
the default folder's is (MikroORM 6.6.16's `migration:up` on PostgreSQL 15 ran the F6 one: users
gone); a folder computed when the tool runs, and a `mikro-orm migration:up` whose configuration
pgfence does not find, are unknown at their lines; a pull request that changes the configuration
is re-reviewed. Real git repositories, `pr --ci --unknown block --max-risk low` and the real binary.

    test_mikro_orm.py SCENARIO --binary B [--double ... --schemas ... --sarif-schema ...]
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_settings import Repo, check, findings, git  # noqa: E402

PACKAGE = ('{"name":"app","private":true,"scripts":{"migrate":"mikro-orm migration:up"},'
           '"dependencies":{"@mikro-orm/core":"6.6.16","@mikro-orm/postgresql":"6.6.16","@mikro-orm/migrations":"6.6.16","@mikro-orm/cli":"6.6.16"}}\n')


def config(migrations):
    return ('const { PostgreSqlDriver } = require("@mikro-orm/postgresql");\n'
            'const { Migrator } = require("@mikro-orm/migrations");\n'
            'module.exports = {\n'
            '  driver: PostgreSqlDriver,\n'
            '  clientUrl: process.env.DATABASE_URL,\n'
            '  extensions: [Migrator],\n'
            f'  migrations: {migrations},\n'
            '};\n')


def migration(stamp, sql):
    return ('"use strict";\nconst { Migration } = require("@mikro-orm/migrations");\n'
            f'class Migration{stamp} extends Migration {{\n  async up() {{ this.addSql("{sql}"); }}\n}}\n'
            f'exports.Migration{stamp} = Migration{stamp};\n')


CREATE = migration("20240101000000", "create table users (id bigserial primary key, email text);")
DROP = migration("20240102000000", "drop table users;")


def pr(r, base, head):
    proc = r.run("pr", "--no-config", "--repo", r.dir, "--base", base, "--head", head, "--ci", "--unknown", "block",
                 "--max-risk", "low", "--no-sarif", "--format", "json")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"pr --format json printed no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc, report


def added_migration(binary, tmp, base_files, path, name):
    """A pull request adding the DROP migration at `path`: pr lists it, finds it unknown (as the
    default folder's: pgfence reads no MikroORM migration's SQL yet) and fails."""
    r = Repo(binary, os.path.join(tmp, name))
    b = r.commit(base_files)
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({path: DROP}, "retire users")
    proc, report = pr(r, b, h)
    files = [f["path"] for f in report["files"]]
    got = [(p, f["rule"]) for p, f in findings(report) if p == path]
    check(path in files and ("unknown-statement" in [rule for _, rule in got] or "drop-table" in [rule for _, rule in got]),
          f"{name}: pr reviews {path}: files {files}, findings {got}\n{proc.stderr}")
    check(proc.returncode == 1, f"{name}: pr fails: exit {proc.returncode}\n{proc.stderr}")
    return r, proc


def mikro_path(binary, tmp):
    """migrations.path in mikro-orm.config.js (F6), and in src/mikro-orm.config.ts (relative to the
    project, where the CLI runs, not to src/), and a path.join(__dirname, ...) (the file's folder)."""
    _, proc = added_migration(binary, tmp, {"package.json": PACKAGE, "mikro-orm.config.js": config('{ path: "./db/changes" }'),
                                            "db/changes/Migration20240101000000.js": CREATE},
                              "db/changes/Migration20240102000000.js", "top")
    check("mikro-orm.config.js:7 (migrations.path) puts mikro-orm's migrations in db/changes" in proc.stderr, f"the note names the setting:\n{proc.stderr}")
    added_migration(binary, tmp, {"package.json": PACKAGE, "src/mikro-orm.config.ts": config('{ path: "./db/changes" }'),
                                  "db/changes/Migration20240101000000.js": CREATE},
                    "db/changes/Migration20240102000000.js", "src")
    added_migration(binary, tmp, {"package.json": PACKAGE,
                                  "src/mikro-orm.config.ts": 'import path from "path";\n' + config('{ path: path.join(__dirname, "schema") }'),
                                  "src/schema/Migration20240101000000.js": CREATE},
                    "src/schema/Migration20240102000000.js", "dirname")


def mikro_path_ts(binary, tmp):
    """migrations.pathTs: the folder the CLI uses under ts-node (it prefers TypeScript)."""
    added_migration(binary, tmp, {"package.json": PACKAGE, "mikro-orm.config.ts": config('{ path: "./dist/db", pathTs: "./db/ts" }'),
                                  "db/ts/Migration20240101000000.ts": CREATE},
                    "db/ts/Migration20240102000000.ts", "path_ts")


def mikro_config_paths(binary, tmp):
    """package.json's "mikro-orm".configPaths names the configuration; its paths are the project's.
    A .env's MIKRO_ORM_MIGRATIONS_PATH overrides the file's, and a `--config` on the command line
    names another file."""
    package = PACKAGE.replace('"private":true,', '"private":true,"mikro-orm":{"configPaths":["./config/orm.js"]},')
    added_migration(binary, tmp, {"package.json": package, "config/orm.js": config('{ path: "./db/changes" }'),
                                  "db/changes/Migration20240101000000.js": CREATE},
                    "db/changes/Migration20240102000000.js", "config_paths")
    added_migration(binary, tmp, {"package.json": PACKAGE, ".env": "MIKRO_ORM_MIGRATIONS_PATH=./db/env\n",
                                  "db/env/Migration20240101000000.js": CREATE},
                    "db/env/Migration20240102000000.js", "env")
    added_migration(binary, tmp, {"package.json": PACKAGE.replace("mikro-orm migration:up", "mikro-orm migration:up --config ./ops/orm.js"),
                                  "ops/orm.js": config('{ path: "./db/cli" }'), "db/cli/Migration20240101000000.js": CREATE},
                    "db/cli/Migration20240102000000.js", "cli_config")


def mikro_computed(binary, tmp):
    """A folder computed when the tool runs, and a `mikro-orm migration:up` whose configuration
    pgfence does not find (MIKRO_ORM_CLI_CONFIG set at deploy), are unknown at their lines."""
    r = Repo(binary, os.path.join(tmp, "computed"))
    b = r.commit({"package.json": PACKAGE, "README.md": "x\n"})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"mikro-orm.config.js": config("{ path: process.env.MIGRATIONS_DIR }")})
    proc, report = pr(r, b, h)
    unknown = [(p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement"]
    check(("mikro-orm.config.js", 7) in unknown and proc.returncode == 1, f"a computed path is unknown at its line: {unknown} exit {proc.returncode}\n{proc.stderr}")
    h = r.commit({"mikro-orm.config.js": config("migrationSettings()")})
    proc, report = pr(r, b, h)
    unknown = [(p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement"]
    check(("mikro-orm.config.js", 7) in unknown and proc.returncode == 1, f"a computed migrations object is unknown: {unknown} exit {proc.returncode}")

    r = Repo(binary, os.path.join(tmp, "unfound"))
    b = r.commit({"README.md": "x\n"})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"package.json": PACKAGE})
    proc, report = pr(r, b, h)
    unknown = [(p, f["start"]["line"]) for p, f in findings(report) if f["rule"] == "unknown-statement"]
    check(("package.json", 1) in unknown and proc.returncode == 1,
          f"mikro-orm migration:up with no configuration pgfence finds is unknown at its line: {unknown} exit {proc.returncode}\n{proc.stderr}")


def mikro_config_change(binary, tmp):
    """A pull request that only points migrations.path at a folder of earlier files is re-reviewed
    (migration-tool-settings-changed), and fails."""
    r = Repo(binary, os.path.join(tmp, "change"))
    b = r.commit({"package.json": PACKAGE, "mikro-orm.config.js": config('{\n    path: "./db/changes",\n  }'),
                  "db/changes/Migration20240101000000.js": CREATE, "db/old/Migration20240102000000.js": DROP})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"mikro-orm.config.js": config('{\n    path: "./db/old",\n  }')})
    proc, report = pr(r, b, h)
    rules = [(p, f["rule"]) for p, f in findings(report)]
    check(("mikro-orm.config.js", "migration-tool-settings-changed") in rules and proc.returncode == 1,
          f"the changed configuration is reported: {rules} exit {proc.returncode}\n{proc.stderr}")
    # The same in the file package.json's configPaths names.
    r = Repo(binary, os.path.join(tmp, "named"))
    package = PACKAGE.replace('"private":true,', '"private":true,"mikro-orm":{"configPaths":["./config/orm.js"]},')
    b = r.commit({"package.json": package, "config/orm.js": config('{\n    path: "./db/changes",\n  }'),
                  "db/changes/Migration20240101000000.js": CREATE, "db/old/Migration20240102000000.js": DROP})
    git(r.dir, "checkout", "-qb", "feature")
    h = r.commit({"config/orm.js": config('{\n    path: "./db/old",\n  }')})
    proc, report = pr(r, b, h)
    rules = [(p, f["rule"]) for p, f in findings(report)]
    check(("config/orm.js", "migration-tool-settings-changed") in rules and proc.returncode == 1,
          f"the changed configuration configPaths names is reported: {rules} exit {proc.returncode}\n{proc.stderr}")


def mikro_default_control(binary, tmp):
    """The default folder, ./migrations, behaves as before: the migration is unknown, pr fails;
    a configuration that names no folder adds no finding of its own."""
    r, _ = added_migration(binary, tmp, {"package.json": PACKAGE, "mikro-orm.config.js": config("{ tableName: \"mikro_orm_migrations\" }"),
                                         "migrations/Migration20240101000000.js": CREATE},
                           "migrations/Migration20240102000000.js", "default")
    # An ordinary change of the project with the configuration at its default: clean.
    git(r.dir, "checkout", "-q", "main")
    b = git(r.dir, "rev-parse", "HEAD")
    git(r.dir, "checkout", "-qb", "docs")
    h = r.commit({"README.md": "docs\n"})
    proc, report = pr(r, b, h)
    check(proc.returncode == 0 and not findings(report), f"a pull request without migrations is clean: {findings(report)} exit {proc.returncode}\n{proc.stderr}")


SCENARIOS = {"path": mikro_path, "path_ts": mikro_path_ts, "config_paths": mikro_config_paths, "computed": mikro_computed,
             "config_change": mikro_config_change, "default_control": mikro_default_control}


def main(scenarios=None):
    """Runs one scenario (a function of the binary and a temporary folder); the MikroORM tests beside
    this one pass their own."""
    scenarios = SCENARIOS if scenarios is None else scenarios
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(scenarios))
    p.add_argument("--binary", required=True)
    p.add_argument("--double")
    p.add_argument("--schemas")
    p.add_argument("--sarif-schema")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            scenarios[args.scenario](args.binary, tmp)
        except AssertionError as e:
            print(f"FAIL {args.scenario}: {e}")
            return 1
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
