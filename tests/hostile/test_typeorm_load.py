"""TypeORM: what the migration command really loads (stranger reviews 85 and 86, issue #53). Each
scenario is a real git repository run through `pgfence analyze`.

- typeorm_nest_app: `typeorm --dataSource=src/database/data-source.ts migration:run`; TypeORM's CLI
  loads that file and takes the DataSource it exports (typeorm src/commands/CommandUtils.ts
  loadDataSource). The Nest app module, whose only DataSource is the one @nestjs/typeorm's
  dataSourceFactory builds from options handed to it, is no module the CLI loads, and its
  database.config.ts is no sequelize-cli configuration; `__dirname + '/../**/*.entity{.ts,.js}'` in
  src/database is src/**: no unknown.
- typeorm_nest_controls: an entity under that glob that sends SQL at load is unknown at its line,
  and `migrationsRun: true` in the options the app hands its DataSource is unknown at its line.
- typeorm_other_dialect: a sqlite dev config's `synchronize: true` beside postgres configs that say
  false, and `getRepository = (t) => dataSource.getRepository(t)` (a function body that sends no
  SQL): no unknown.
- typeorm_dialect_controls: `synchronize: true` on a postgres source, `{ ...sqlite, type: 'postgres' }`,
  `synchronize: process.env.X === 'true'`, and a function that returns the data source called at load
  with `.query(...)`: each unknown at its line.
- typeorm_type_override (red team R87b F2): a Nest `TypeOrmModule.forRoot({ type: 'sqlite', dropSchema: true,
  ... })` whose later computed key (`[TYPE]:`, `["ty" + "pe"]:`) or getter `get type()` makes it 'postgres':
  TypeORM builds a PostgreSQL DataSource and drops the schema; each dropSchema unknown at its line, and
  the same object with no such key (the control) stays silent.

    test_typeorm_load.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_tool_reach import analyze_findings, repository  # noqa: E402

INIT = ("import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Init1700000000000 implements MigrationInterface {\n"
        "  async up(q: QueryRunner): Promise<void> { await q.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text)'); }\n"
        "  async down(q: QueryRunner): Promise<void> { await q.query('DROP TABLE users'); }\n}\n")
NEST_PACKAGE = ('{"name":"app","version":"1.0.0","scripts":{"typeorm":"ts-node ./node_modules/typeorm/cli.js",'
                '"migration:run":"npm run typeorm -- --dataSource=src/database/data-source.ts migration:run","start":"node dist/main.js"},'
                '"dependencies":{"typeorm":"0.3.20","pg":"8.11.0","@nestjs/typeorm":"11.0.1","@nestjs/config":"4.0.0",'
                '"@nestjs/common":"11.0.0","some-lib":"1.0.0"}}\n')
NEST_SOURCE = ("import 'reflect-metadata';\nimport { DataSource } from 'typeorm';\nexport const AppDataSource = new DataSource({\n"
               "  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  synchronize: false,\n"
               "  entities: [__dirname + '/../**/*.entity{.ts,.js}'],\n  migrations: [__dirname + '/migrations/**/*{.ts,.js}'],\n});\n")
NEST_OPTIONS = ("import { Injectable } from '@nestjs/common';\nimport { TypeOrmModuleOptions, TypeOrmOptionsFactory } from '@nestjs/typeorm';\n"
                "@Injectable()\nexport class TypeOrmConfigService implements TypeOrmOptionsFactory {\n"
                "  createTypeOrmOptions(): TypeOrmModuleOptions {\n    return {\n      type: 'postgres',\n      url: process.env.DATABASE_URL,\n"
                "      synchronize: false,\n      entities: [__dirname + '/../**/*.entity{.ts,.js}'],\n    };\n  }\n}\n")
NEST_APP = ("import { Module } from '@nestjs/common';\nimport { ConfigModule } from '@nestjs/config';\nimport { TypeOrmModule } from '@nestjs/typeorm';\n"
            "import { DataSource, DataSourceOptions } from 'typeorm';\nimport databaseConfig from './database/config/database.config';\n"
            "import { UsersModule } from './users/users.module';\nimport { TypeOrmConfigService } from './database/typeorm-config.service';\n"
            "@Module({\n  imports: [\n    ConfigModule.forRoot({ isGlobal: true, load: [databaseConfig] }),\n    TypeOrmModule.forRootAsync({\n"
            "      useClass: TypeOrmConfigService,\n      dataSourceFactory: async (options: DataSourceOptions) => {\n"
            "        return new DataSource(options).initialize();\n      },\n    }),\n    UsersModule,\n  ],\n})\nexport class AppModule {}\n")
NEST = {"package.json": NEST_PACKAGE, "src/database/data-source.ts": NEST_SOURCE, "src/database/typeorm-config.service.ts": NEST_OPTIONS,
        "src/app.module.ts": NEST_APP, "src/database/migrations/1700000000000-Init.ts": INIT,
        "src/users/user.entity.ts": ("import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';\n@Entity()\nexport class User {\n"
                                     "  @PrimaryGeneratedColumn() id: number;\n  @Column() email: string;\n}\n"),
        "src/users/users.module.ts": ("import { Module } from '@nestjs/common';\nimport { helper } from 'some-lib';\nhelper.start();\n"
                                      "@Module({})\nexport class UsersModule {}\n"),
        "src/database/config/database.config.ts": ("import { registerAs } from '@nestjs/config';\n"
                                                   "export default registerAs('database', () => ({ url: process.env.DATABASE_URL }));\n")}

SQLITE = ("const devConfig: DataSourceOptions = {\n  type: 'sqlite',\n  database: 'config/db/db.sqlite3',\n  synchronize: true,\n"
          "  migrationsRun: false,\n  entities: ['server/entity/**/*.ts'],\n  migrations: ['server/migration/sqlite/**/*.ts'],\n};\n")
POSTGRES = ("const pgConfig: DataSourceOptions = {\n  type: 'postgres',\n  host: process.env.DB_HOST,\n  synchronize: false,\n"
            "  migrationsRun: false,\n  entities: ['server/entity/**/*.ts'],\n  migrations: ['server/migration/postgres/**/*.ts'],\n};\n")
DIALECT_HEAD = ("import type { DataSourceOptions, EntityTarget, Repository } from 'typeorm';\nimport { DataSource } from 'typeorm';\n")
DIALECT_TAIL = ("function options(): DataSourceOptions {\n  return process.env.DB_TYPE === 'postgres' ? pgConfig : devConfig;\n}\n"
                "const dataSource = new DataSource(options());\n")
DIALECT_PACKAGE = ('{"name":"app","version":"1.0.0","scripts":{"migration:run":"typeorm migration:run -d server/datasource.ts"},'
                   '"dependencies":{"typeorm":"0.3.20","pg":"8.11.0","sqlite3":"5.1.7"}}\n')


def unknowns(found):
    return sorted(f for f in found if f[1] == "unknown-statement")


def typeorm_nest_app(s):
    """Review 86 classes B and C (brocoders/nestjs-boilerplate): no unknown."""
    repository(s, NEST, {"README.md": "app\n"})
    found = analyze_findings(s)
    check(not unknowns(found), f"no unknown: {unknowns(found)}")


def typeorm_nest_controls(s):
    """An entity the __dirname glob selects runs `new Client().query(...)` at load; the options the
    app hands its DataSource say migrationsRun: true. Both unknown at their lines."""
    head = {"src/users/evil.entity.ts": ("import { Client } from 'pg';\nnew Client(process.env.DATABASE_URL).query('DROP TABLE users');\n"
                                         "export class Evil {}\n"),
            "src/database/typeorm-config.service.ts": NEST_OPTIONS.replace("      synchronize: false,\n",
                                                                           "      synchronize: false,\n      migrationsRun: true,\n")}
    repository(s, NEST, head)
    found = unknowns(analyze_findings(s))
    check(("src/users/evil.entity.ts", "unknown-statement", 1) in found, f"the entity's load-time SQL is unknown: {found}")
    check(("src/database/typeorm-config.service.ts", "unknown-statement", 10) in found, f"migrationsRun: true is unknown: {found}")


def typeorm_other_dialect(s):
    """Review 85 class C (jellyseerr server/datasource.ts): no unknown."""
    source = (DIALECT_HEAD + SQLITE + POSTGRES + DIALECT_TAIL +
              "export const getRepository = <Entity extends object>(\n  target: EntityTarget<Entity>\n): Repository<Entity> => {\n"
              "  return dataSource.getRepository(target);\n};\nexport default dataSource;\n")
    repository(s, {"package.json": DIALECT_PACKAGE, "server/datasource.ts": source, "server/migration/postgres/1700000000000-Init.ts": INIT},
               {"README.md": "app\n"})
    found = analyze_findings(s)
    check(("server/migration/postgres/1700000000000-Init.ts", "unknown-statement", 3) not in found, "the migration is read")
    check(not unknowns(found), f"no unknown: {unknowns(found)}")


def typeorm_dialect_controls(s):
    """Each dangerous form beside the narrowed ones is unknown at its line."""
    pg_sync = POSTGRES.replace("  synchronize: false,\n", "  synchronize: true,\n")  # line 7 of its file
    spread = (DIALECT_HEAD + SQLITE + "const pgConfig: DataSourceOptions = { ...devConfig, type: 'postgres' };\n" + DIALECT_TAIL +
              "export default dataSource;\n")  # devConfig's synchronize: true at line 6
    env = POSTGRES.replace("  synchronize: false,\n", "  synchronize: process.env.DB_SYNC === 'true',\n")
    called = (DIALECT_HEAD + SQLITE + POSTGRES + DIALECT_TAIL + "const repositoryOf = (t: string) => dataSource.getRepository(t);\n"
              "const source = () => dataSource;\nsource().query('DROP TABLE users');\nexport default dataSource;\n")  # line 25
    files = {"package.json": DIALECT_PACKAGE.replace('"migration:run"', '"m1":"typeorm migration:run -d server/a.ts","m2":"typeorm migration:run '
                                                      '-d server/b.ts","m3":"typeorm migration:run -d server/c.ts","migration:run"'),
             "server/a.ts": DIALECT_HEAD + SQLITE + pg_sync + DIALECT_TAIL + "export default dataSource;\n", "server/b.ts": spread,
             "server/c.ts": DIALECT_HEAD + SQLITE + env + DIALECT_TAIL + "export default dataSource;\n", "server/datasource.ts": called,
             "server/migration/postgres/1700000000000-Init.ts": INIT}
    repository(s, files, {"README.md": "app\n"})
    found = unknowns(analyze_findings(s))
    for e in (("server/a.ts", 14), ("server/b.ts", 6), ("server/c.ts", 14), ("server/datasource.ts", 25)):
        check((e[0], "unknown-statement", e[1]) in found, f"{e} is unknown: {found}")
    check(("server/a.ts", "unknown-statement", 6) not in found, f"a's sqlite config is not: {found}")


def typeorm_type_override(s):
    """R87b F2: a key after `type: 'sqlite'` that replaces it; line 6 is the forRoot call."""
    def module(options):
        return ("import { Module } from '@nestjs/common';\nimport { TypeOrmModule } from '@nestjs/typeorm';\nconst TYPE = 'type';\n\n"
                "@Module({\n  imports: [TypeOrmModule.forRoot(" + options + ")],\n})\nexport class AppModule {}\n")
    head = "{ type: 'sqlite', database: 'dev.sqlite', dropSchema: true, url: process.env.DATABASE_URL, "
    files = {"package.json": DIALECT_PACKAGE.replace('"sqlite3"', '"@nestjs/typeorm":"10.0.0","@nestjs/common":"10.0.0","sqlite3"'),
             "src/computed.module.ts": module(head + "[TYPE]: 'postgres' }"),
             "src/concat.module.ts": module(head + "['ty' + 'pe']: 'postgres' }"),
             "src/getter.module.ts": module(head + "get type() { return 'postgres'; } }"),
             "src/sqlite.module.ts": module(head + "logging: true }"),
             "server/datasource.ts": DIALECT_HEAD + POSTGRES + "export default new DataSource(pgConfig);\n",
             "server/migration/postgres/1700000000000-Init.ts": INIT}
    repository(s, files, {"README.md": "app\n"})
    found = unknowns(analyze_findings(s))
    for name in ("computed", "concat", "getter"):
        check((f"src/{name}.module.ts", "unknown-statement", 6) in found, f"{name}: dropSchema is unknown: {found}")
    check(not any(p == "src/sqlite.module.ts" for p, _, _ in found), f"the sqlite control is not: {found}")


SCENARIOS = {f.__name__: f for f in (typeorm_nest_app, typeorm_nest_controls, typeorm_other_dialect, typeorm_dialect_controls,
                                     typeorm_type_override)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
