"""Schema synchronisation commands are one class with TypeORM's synchronize and Sequelize's sync
(issue #53, red team G1 PRISMAPUSH, DRIZPUSH): a project whose deploy runs `prisma db push`,
`drizzle-kit push` or `typeorm schema:sync` (a CI workflow, a package.json script, a Procfile, a
Dockerfile) changes its database by editing the model files, with DDL computed at deploy. A pull
request that changes such a model file must fail `pgfence pr` with an unknown-statement at the
model's declaration; one that adds the command is unknown at the command's line. Real git
repositories, the GitHub double.

    test_schema_sync_commands.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import check_run, gated, pr_findings, repository  # noqa: E402

PRISMA_BASE = ('datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
               'model User {\n  id    Int    @id @default(autoincrement())\n  email String\n  name  String?\n  @@map("users")\n}\n')
PRISMA_HEAD = PRISMA_BASE.replace("  email String\n", "")
PUSH_WORKFLOW = ("name: deploy\non: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - uses: actions/checkout@v4\n      - run: npx prisma db push --accept-data-loss\n"
                 "        env: { DATABASE_URL: \"${{ secrets.DATABASE_URL }}\" }\n")
DRIZZLE_BASE = ('import { pgTable, serial, text } from "drizzle-orm/pg-core";\n'
                'export const users = pgTable("users", { id: serial("id").primaryKey(), email: text("email").notNull(), name: text("name") });\n')
DRIZZLE_HEAD = DRIZZLE_BASE.replace('email: text("email").notNull(), ', "")
DRIZZLE_CONFIG = ('import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ dialect: "postgresql", schema: '
                  '"./src/db/schema.ts", dbCredentials: { url: process.env.DATABASE_URL! } });\n')
ENTITY = ('import { Entity, PrimaryGeneratedColumn, Column } from "typeorm";\n@Entity("users")\nexport class User {\n'
          '  @PrimaryGeneratedColumn() id: number;\n  @Column("text") email: string;\n}\n')


def prisma_push(s):
    """PRISMAPUSH: the deploy workflow runs `npx prisma db push --accept-data-loss` (prisma
    packages/migrate/src/commands/DbPush.ts); the pull request removes a field of the model, and
    the push drops users.email."""
    gated(s, {"prisma/schema.prisma": PRISMA_BASE, ".github/workflows/deploy.yml": PUSH_WORKFLOW},
          {"prisma/schema.prisma": PRISMA_HEAD}, {("prisma/schema.prisma", "unknown-statement", 5)}, analyze=False)


def drizzle_push(s):
    """DRIZPUSH: package.json's deploy script runs `drizzle-kit push --force`; the pull request
    removes a column of the pgTable() schema."""
    package = '{"name":"app","scripts":{"deploy":"drizzle-kit push --force"},"dependencies":{"drizzle-orm":"^0.30","drizzle-kit":"^0.21"}}\n'
    gated(s, {"src/db/schema.ts": DRIZZLE_BASE, "drizzle.config.ts": DRIZZLE_CONFIG, "package.json": package},
          {"src/db/schema.ts": DRIZZLE_HEAD}, {("src/db/schema.ts", "unknown-statement", 2)}, analyze=False)


def typeorm_schema_sync(s):
    """A Procfile's release phase runs `typeorm schema:sync` (typeorm src/commands/SchemaSyncCommand.ts),
    with synchronize off in the DataSource: the entity the pull request changes is unknown."""
    gated(s, {"src/entity/User.ts": ENTITY, "Procfile": "release: npx typeorm schema:sync -d dist/data-source.js\nweb: node dist/main.js\n"},
          {"src/entity/User.ts": ENTITY.replace('  @Column("text") email: string;\n', "")},
          {("src/entity/User.ts", "unknown-statement", 2)}, analyze=False)


def push_added(s):
    """A pull request that adds `prisma db push` to the Dockerfile's command: unknown at that line."""
    gated(s, {"prisma/schema.prisma": PRISMA_BASE, "Dockerfile": 'FROM node:20\nCOPY . .\nCMD ["node", "dist/main.js"]\n'},
          {"Dockerfile": 'FROM node:20\nCOPY . .\nCMD npx prisma  db push && node dist/main.js\n'},
          {("Dockerfile", "unknown-statement", 3)}, analyze=False)


def push_control(s):
    """`prisma migrate deploy` and `drizzle-kit generate` run migration files, not the models: a
    model change alone passes, and so does a workflow that only mentions `db push` in a word."""
    workflow = PUSH_WORKFLOW.replace("npx prisma db push --accept-data-loss", "npx prisma migrate deploy && echo mydb pushed")
    package = '{"name":"app","scripts":{"gen":"drizzle-kit generate","deploy":"drizzle-kit migrate"}}\n'
    repository(s, {"prisma/schema.prisma": PRISMA_BASE, ".github/workflows/deploy.yml": workflow, "src/db/schema.ts": DRIZZLE_BASE,
                   "package.json": package},
               {"prisma/schema.prisma": PRISMA_HEAD, "src/db/schema.ts": DRIZZLE_HEAD})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0, f"pr passes: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    check(check_run(s).get("conclusion") == "success", f"check run: {check_run(s).get('conclusion')}")
    check(not pr_findings(s), f"no findings: {pr_findings(s)}")
    s.all_requests_valid()


SCENARIOS = {f.__name__: f for f in (prisma_push, drizzle_push, typeorm_schema_sync, push_added, push_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
