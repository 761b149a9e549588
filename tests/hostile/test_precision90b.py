"""False unknowns of review 90 (laudspeaker, openfga, nango), each with a control that keeps the
true unknown (issue #53: unknown is never clean, but no false unknowns on ordinary projects).

- A (laudspeaker): ormconfig.json's `migrations: ["**/migrations/**/*.ts"]` made every script of the
  package a possible TypeORM migration (a decorator in a controller, a helper, each an unknown).
  TypeORM loads only the files its glob matches. And a data source built from
  `new TypeOrmConfigService().createTypeOrmOptions()`, a method whose whole body returns an object
  literal, is read as that literal; a method that computes its object stays unknown.
- B (laudspeaker): `// migrationsRun: true,` in a comment sets nothing.
- D (openfga, nango): `[[ "${{ needs.a.result }}" != "success" || \\` continued: the `||` is inside
  `[[ ]]`, the quoted expression an operand, not a program. A real `${{ }}` program stays unknown.
- I (nango): `dir=$(pwd)`, then `node "$dir/x.js"`: the script's working directory, followed as
  `node x.js` is. `dir=$(some_cmd)` stays a computed name.

    test_precision90b.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request  # noqa: E402


def run(s):
    """analyze over the tree as a user runs it: (exit code, stderr, findings)."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--output", "json", "--jobs", "1", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=180)
    try:
        files = json.loads(proc.stdout)["files"]
    except (ValueError, KeyError):
        check(False, f"no JSON (exit {proc.returncode}): {proc.stderr[-2000:]}")
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"], "risk": f["risk"],
              "message": f["message"]} for file in files for f in file["findings"]]
    return proc.returncode, proc.stderr, found


def unknowns(found, path=None):
    return [(f["path"], f["line"], f["message"]) for f in found
            if f["rule"] == "unknown-statement" and (path is None or f["path"] == path)]


def has(found, rule, path):
    return any(f["rule"] == rule and f["path"] == path for f in found)


# ---- A. TypeORM: the glob's files only; options a class method returns ----

PKG = ('{"name": "server", "scripts": {"typeorm": "typeorm-ts-node-commonjs -d ./src/data-source.ts"},\n'
       ' "dependencies": {"typeorm": "^0.3.12", "@nestjs/typeorm": "^9.0.1", "pg": "^8.11.0"}}\n')
DATA_SOURCE = ("import { DataSource, DataSourceOptions } from 'typeorm';\n"
               "import { TypeOrmConfigService } from './shared/typeorm/typeorm.service';\n"
               "import * as dotenv from 'dotenv';\n"
               "dotenv.config();\n"
               "const config = new TypeOrmConfigService().createTypeOrmOptions();\n"
               "const DS = new DataSource(config as DataSourceOptions);\n"
               "\n"
               "export default DS;\n")


def service(options, body=None):
    body = body if body is not None else "    return {\n" + options + "    };\n"
    return ("import { TypeOrmOptionsFactory, TypeOrmModuleOptions } from '@nestjs/typeorm';\n"
            "\n"
            "export class TypeOrmConfigService implements TypeOrmOptionsFactory {\n"
            "  public createTypeOrmOptions(): TypeOrmModuleOptions {\n" + body +
            "  }\n"
            "}\n")


SERVICE = "src/shared/typeorm/typeorm.service.ts"
MIGRATION = ("import { MigrationInterface, QueryRunner } from 'typeorm';\n"
             "export class Init1700000000000 implements MigrationInterface {\n"
             "  public async up(queryRunner: QueryRunner): Promise<void> {\n"
             "    await queryRunner.query(`CREATE INDEX idx_accounts_email ON accounts (email)`);\n"
             "  }\n"
             "  public async down(queryRunner: QueryRunner): Promise<void> {}\n"
             "}\n")
WAIT = "export const wait = (ms: number) =>\n  new Promise<void>((resolve) => setTimeout(resolve, ms));\n"
CONTROLLER = ("import { Controller, Get } from '@nestjs/common';\n"
              "@Controller('accounts')\n"
              "export class AccountsController {\n"
              "  @Get()\n"
              "  list() { return []; }\n"
              "}\n")


def ormconfig_glob(s):
    """ormconfig.json's `**/migrations/**/*.ts`: the migration is analysed, the app's other scripts are no migrations."""
    files = {"package.json": PKG, "src/data-source.ts": DATA_SOURCE,
             SERVICE: service("      type: 'postgres',\n      migrations: ['dist/**/migrations/*.{ts,js}'],\n"),
             "ormconfig.json": '{\n  "type": "postgres",\n  "migrations": ["**/migrations/**/*.ts"]\n}\n',
             "src/migrations/1700000000000-Init.ts": MIGRATION, "src/utils/wait.ts": WAIT,
             "src/api/accounts/accounts.controller.ts": CONTROLLER}
    pull_request(s, files, {})
    _, err, found = run(s)
    check(has(found, "create-index-without-concurrently", "src/migrations/1700000000000-Init.ts"), f"the migration is analysed: {found}\n{err[-1500:]}")
    for path in ("src/utils/wait.ts", "src/api/accounts/accounts.controller.ts"):
        check(not unknowns(found, path), f"{path} is no migration: {unknowns(found, path)}\n{err[-1500:]}")


def ormconfig_glob_control(s):
    """A script the glob does match, with no migration pgfence reads in it, stays unknown."""
    files = {"package.json": PKG, "src/data-source.ts": DATA_SOURCE,
             SERVICE: service("      type: 'postgres',\n      migrations: ['dist/**/migrations/*.{ts,js}'],\n"),
             "ormconfig.json": '{\n  "type": "postgres",\n  "migrations": ["**/migrations/**/*.ts"]\n}\n',
             "src/migrations/1700000000000-Init.ts": MIGRATION, "src/migrations/helpers/wait.ts": WAIT}
    pull_request(s, files, {})
    _, err, found = run(s)
    check(unknowns(found, "src/migrations/helpers/wait.ts"), f"a file the glob loads stays unknown: {unknowns(found)}\n{err[-1500:]}")


def factory_options(s):
    """`new TypeOrmConfigService().createTypeOrmOptions()` returning a literal: its `migrations` folder is read."""
    files = {"package.json": PKG, "src/data-source.ts": DATA_SOURCE,
             SERVICE: service("      type: 'postgres',\n      migrations: ['src/db/changes/*.ts'],\n"),
             "src/db/changes/1700000000000-Init.ts": MIGRATION}
    pull_request(s, files, {})
    _, err, found = run(s)
    check(has(found, "create-index-without-concurrently", "src/db/changes/1700000000000-Init.ts"),
          f"the folder the method's options name is analysed: {unknowns(found)}\n{err[-1500:]}")
    check(not unknowns(found, "package.json"), f"the data source is read: {unknowns(found, 'package.json')}\n{err[-1500:]}")


def factory_computed_control(s):
    """A method that computes its object (a condition before the return) stays one unknown at the script's line."""
    body = ("    if (process.env.X) return { type: 'postgres', migrations: ['src/other/*.ts'] };\n"
            "    return { type: 'postgres', migrations: ['src/db/changes/*.ts'] };\n")
    files = {"package.json": PKG, "src/data-source.ts": DATA_SOURCE, SERVICE: service("", body),
             "src/db/changes/1700000000000-Init.ts": MIGRATION, "src/utils/wait.ts": WAIT}
    pull_request(s, files, {})
    _, err, found = run(s)
    at_script = [u for u in unknowns(found, "package.json") if u[1] == 1]
    check(len(at_script) == 1 and "data-source.ts" in at_script[0][2], f"one unknown at the script line: {unknowns(found)}\n{err[-1500:]}")
    check(not unknowns(found, "src/utils/wait.ts"), f"never every script of the package: {unknowns(found)}")


# ---- B. A commented-out option ----

def commented_migrations_run(s):
    """`// migrationsRun: true,` sets nothing: no unknown at its line."""
    options = "      type: 'postgres',\n      migrations: ['src/db/changes/*.ts'],\n      // migrationsRun: true,\n"
    files = {"package.json": PKG, "src/data-source.ts": DATA_SOURCE, SERVICE: service(options),
             "src/db/changes/1700000000000-Init.ts": MIGRATION}
    pull_request(s, files, {})
    _, err, found = run(s)
    check(not [u for u in unknowns(found, SERVICE) if "migrationsRun" in u[2]], f"a comment sets nothing: {unknowns(found, SERVICE)}\n{err[-1500:]}")


def migrations_run_control(s):
    """`migrationsRun: true,` written stays unknown at its line."""
    options = "      type: 'postgres',\n      migrations: ['src/db/changes/*.ts'],\n      migrationsRun: true,\n"
    files = {"package.json": PKG, "src/data-source.ts": DATA_SOURCE, SERVICE: service(options),
             "src/db/changes/1700000000000-Init.ts": MIGRATION}
    pull_request(s, files, {})
    _, err, found = run(s)
    check([u for u in unknowns(found, SERVICE) if u[1] == 8 and "migrationsRun" in u[2]], f"migrationsRun set: {unknowns(found, SERVICE)}\n{err[-1500:]}")


# ---- D. `[[ ... || \` continued in a workflow's run ----

WORKFLOW = ".github/workflows/main.yaml"


def workflow(check_line):
    return ("name: ci\n"
            "on: [push]\n"
            "jobs:\n"
            "  tests:\n"
            "    runs-on: ubuntu-latest\n"
            "    needs: [unit, storage]\n"
            "    if: always()\n"
            "    steps:\n"
            "      - name: Check results\n"
            "        run: |\n"
            "          if [[ \"${{ needs.unit.result }}\" != \"success\" || \\\n"
            "                \"${{ needs.storage.result }}\" != \"success\" ]]; then\n"
            "            echo \"One or more test jobs failed\"\n"
            "            exit 1\n"
            "          fi\n" + check_line)


SQL = {"migrations/001_init.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY);\n"}


def workflow_conditional_or(s):
    """The quoted expressions inside `[[ ]]` are operands: no unknown in the workflow."""
    pull_request(s, {WORKFLOW: workflow(""), **SQL}, {})
    _, err, found = run(s)
    check(not unknowns(found, WORKFLOW), f"no program there: {unknowns(found, WORKFLOW)}\n{err[-1500:]}")


def workflow_expression_program_control(s):
    """A `${{ }}` after `]] ||` is a program: unknown at its line."""
    pull_request(s, {WORKFLOW: workflow("      - run: |\n          [[ -n \"$X\" ]] || \"${{ inputs.command }}\" --now\n"), **SQL}, {})
    _, err, found = run(s)
    check([u for u in unknowns(found, WORKFLOW) if u[1] == 17], f"the expression's program stays unknown: {unknowns(found, WORKFLOW)}\n{err[-1500:]}")


def array_workflow(after):
    return ("name: deploy\n"
            "on: [push]\n"
            "jobs:\n"
            "  notify:\n"
            "    runs-on: ubuntu-latest\n"
            "    steps:\n"
            "      - run: |\n"
            "          results=(\n"
            "            \"${{ needs.deploy_app.result }}\"\n"
            "            \"${{ needs.deploy.result }}\"\n"
            "          )\n" + after +
            "          for r in \"${results[@]}\"; do echo \"$r\"; done\n")


def workflow_array_words(s):
    """nango's `results=(` with a `"${{ needs.x.result }}"` a line: the array's words, no program."""
    pull_request(s, {WORKFLOW: array_workflow(""), **SQL}, {})
    _, err, found = run(s)
    check(not unknowns(found, WORKFLOW), f"no program there: {unknowns(found, WORKFLOW)}\n{err[-1500:]}")


def workflow_array_after_control(s):
    """After the array's `)`, a `${{ }}` at a line's head is a program again: unknown at its line."""
    pull_request(s, {WORKFLOW: array_workflow("          \"${{ inputs.command }}\" --now\n"), **SQL}, {})
    _, err, found = run(s)
    check([u for u in unknowns(found, WORKFLOW) if u[1] == 12], f"stays unknown: {unknowns(found, WORKFLOW)}\n{err[-1500:]}")


# ---- I. `dir=$(pwd)` ----

def entry(assign):
    return "#!/usr/bin/env bash\nset -ex\n\n" + assign + "\n\nnode \"$dir/seed.js\"\n"


SEED = "console.log('seeded');\n"


def pwd_dir(s):
    """`dir=$(pwd)`, then `node "$dir/seed.js"`: the script's folder's seed.js, read; no computed name."""
    pull_request(s, {"scripts/entrypoint.sh": entry("dir=$(pwd)"), "scripts/seed.js": SEED, **SQL}, {})
    _, err, found = run(s)
    check(not unknowns(found, "scripts/entrypoint.sh"), f"followed as `node seed.js`: {unknowns(found, 'scripts/entrypoint.sh')}\n{err[-1500:]}")


def pwd_other_command_control(s):
    """`dir=$(some_cmd)`: the name is computed, unknown at the node line."""
    pull_request(s, {"scripts/entrypoint.sh": entry("dir=$(some_cmd)"), "scripts/seed.js": SEED, **SQL}, {})
    _, err, found = run(s)
    check([u for u in unknowns(found, "scripts/entrypoint.sh") if u[1] == 6], f"stays unknown: {unknowns(found)}\n{err[-1500:]}")


def pwd_reassigned_control(s):
    """`dir=$(pwd)` then `dir=$(some_cmd)`: the name no longer holds the folder."""
    pull_request(s, {"scripts/entrypoint.sh": entry("dir=$(pwd)\ndir=$(some_cmd)"), "scripts/seed.js": SEED, **SQL}, {})
    _, err, found = run(s)
    check(unknowns(found, "scripts/entrypoint.sh"), f"stays unknown: {unknowns(found)}\n{err[-1500:]}")


SCENARIOS = {f.__name__: f for f in (ormconfig_glob, ormconfig_glob_control, factory_options, factory_computed_control,
                                     commented_migrations_run, migrations_run_control, workflow_conditional_or,
                                     workflow_expression_program_control, workflow_array_words, workflow_array_after_control, pwd_dir, pwd_other_command_control, pwd_reassigned_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
