"""TypeORM: what decides which migrations run lives outside the migration's SQL (issue #53, red
team h2 items 2 and 3). Each scenario is a pull request on a real git repository, run through
`pgfence pr` against the GitHub double; the check must fail with the finding named.

- typeorm_class_rename / typeorm_name: TypeORM records a migration by `migration.name ||
  migration.constructor.name` (typeorm src/migration/MigrationExecutor.ts getMigrations), so a
  merged migration whose class is renamed, or that gains a `name`, runs again (real TypeORM 1.1.1
  truncated audit_log a second time): HIGH at the line that decides the name.
- typeorm_spread / typeorm_const: the DataSource's options spread from, or a value imported from,
  another module; the pull request edits only that module (migrationsTableName), which makes
  TypeORM run every merged migration again: HIGH migration-tool-settings-changed there.
- typeorm_controls: a body edit under the same class name and an edited entity module the data
  source lists as a class are no such finding.

    test_typeorm_settings.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_link_targets import gated, repository  # noqa: E402
from test_tool_reach import pr_findings  # noqa: E402

PACKAGE = ('{"name":"app","version":"1.0.0","scripts":{"migrate":"typeorm-ts-node-commonjs migration:run -d src/data-source.ts"},'
           '"dependencies":{"typeorm":"^0.3","pg":"^8","reflect-metadata":"^0.2","ts-node":"^10"}}\n')
INIT = ('import { MigrationInterface, QueryRunner } from "typeorm";\nexport class Init1700000000000 implements MigrationInterface {\n'
        '  async up(queryRunner: QueryRunner): Promise<void> {\n'
        '    await queryRunner.query(`CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email text)`);\n'
        '    await queryRunner.query(`CREATE TABLE IF NOT EXISTS audit_log (id bigserial PRIMARY KEY, msg text)`);\n'
        '  }\n  async down(): Promise<void> {}\n}\n')


def reset(class_name="Reset1700000000001", name_line="", sql="TRUNCATE audit_log"):
    return ('import { MigrationInterface, QueryRunner } from "typeorm";\n'
            f'export class {class_name} implements MigrationInterface {{\n{name_line}'
            '  async up(queryRunner: QueryRunner): Promise<void> {\n'
            f'    await queryRunner.query(`{sql}`);\n'
            '  }\n  async down(): Promise<void> {}\n}\n')


PLAIN_SOURCE = ('import { DataSource } from "typeorm";\n'
                'export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, migrations: ["src/migrations/*.ts"] });\n')
BASE = {"package.json": PACKAGE, "src/data-source.ts": PLAIN_SOURCE, "src/migrations/1700000000000-Init.ts": INIT,
        "src/migrations/1700000000001-Reset.ts": reset()}
MIGRATION = "src/migrations/1700000000001-Reset.ts"


def typeorm_class_rename(s):
    """TYCLASS: the class Reset1700000000001 becomes ResetAudit1700000000001, the path unchanged."""
    gated(s, BASE, {}, {MIGRATION: reset("ResetAudit1700000000001")}, {(MIGRATION, "migration-tool-settings-changed", 2)})


def typeorm_name(s):
    """TYNAME: the class keeps its name and gains `name = "Reset1700000000002"`."""
    gated(s, BASE, {}, {MIGRATION: reset(name_line='  name = "Reset1700000000002";\n')},
          {(MIGRATION, "migration-tool-settings-changed", 3)})


def typeorm_spread(s):
    """TYSPREAD: `new DataSource({ ...dbOptions, migrations })`, dbOptions from ./db-options; the pull
    request changes its migrationsTableName only."""
    options = ('export const dbOptions = { type: "postgres" as const, url: process.env.DATABASE_URL, '
               'migrationsTableName: "{}" }};\n')
    base = dict(BASE)
    base["src/data-source.ts"] = ('import { DataSource } from "typeorm";\nimport { dbOptions } from "./db-options";\n'
                                  'export default new DataSource({ ...dbOptions, migrations: ["src/migrations/*.ts"] });\n')
    base["src/db-options.ts"] = options.replace("{}", "migrations").replace("}}", "}")
    gated(s, base, {}, {"src/db-options.ts": options.replace("{}", "typeorm_migrations").replace("}}", "}")},
          {("src/db-options.ts", "migration-tool-settings-changed", 1)})


def typeorm_const(s):
    """TYCONST: `migrationsTableName: MIGRATIONS_TABLE` imported from ./constants, which the pull request edits."""
    base = dict(BASE)
    base["src/data-source.ts"] = ('import { DataSource } from "typeorm";\nimport { MIGRATIONS_TABLE } from "./constants";\n'
                                  'export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, '
                                  'migrationsTableName: MIGRATIONS_TABLE, migrations: ["src/migrations/*.ts"] });\n')
    base["src/constants.ts"] = 'export const MIGRATIONS_TABLE = "migrations";\n'
    gated(s, base, {}, {"src/constants.ts": 'export const MIGRATIONS_TABLE = "typeorm_migrations";\n'},
          {("src/constants.ts", "migration-tool-settings-changed", 1)})


def typeorm_controls(s):
    """A merged migration's body edited under the same class (its own finding, no rename), and an
    entity module the data source lists as a class edited: no migration-tool-settings-changed."""
    base = dict(BASE)
    base["src/data-source.ts"] = ('import { DataSource } from "typeorm";\nimport { User } from "./entity/User";\n'
                                  'export default new DataSource({ type: "postgres", url: process.env.DATABASE_URL, entities: [User], '
                                  'migrations: ["src/migrations/*.ts"] });\n')
    base["src/entity/User.ts"] = "export class User { id!: number; }\n"
    repository(s, base, {}, {MIGRATION: reset(sql="SELECT 1"), "src/entity/User.ts": "export class User { id!: number; email!: string; }\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    found = pr_findings(s)
    check(not any(rule == "migration-tool-settings-changed" for _, rule, _ in found), f"no settings finding: {sorted(found)}\n{proc.stderr}")
    check(json.load(open(os.path.join(s.tmp, "pr.json")))["files"], "the migration is reported")


SCENARIOS = {f.__name__: f for f in (typeorm_class_rename, typeorm_name, typeorm_spread, typeorm_const, typeorm_controls)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
