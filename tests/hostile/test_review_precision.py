"""Precision on real projects (the review of round 81: umami, grist-core): findings pgfence 07666381
made that were false, each as a control that is clean now, and beside it the dangerous variant of
the same shape, which is still reported. Real git repositories, the real binary (`analyze .`).

    test_review_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402


def env():
    return {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}


def repository(s, files):
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in files.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")


def analyze(s):
    """`pgfence analyze --no-config --format json .` in the repository: its findings as (path, rule, line, risk)."""
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    report = json.loads(proc.stdout)
    return [(os.path.normpath(f["path"]), x["rule"], x["start"]["line"], x["risk"]) for f in report["files"] for x in f["findings"]]


# Prisma's 01_init of umami: each table has its primary key and, from an older schema, a unique
# index on the same column (team_team_id_key); 17_remove_duplicate_key drops those indexes.
PRISMA_SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
PRISMA_INIT = ('CREATE TABLE "team" (\n    "team_id" UUID NOT NULL,\n    "name" VARCHAR(50) NOT NULL,\n'
               '    "code" VARCHAR(50),\n    "slug" VARCHAR(50),\n    CONSTRAINT "team_pkey" PRIMARY KEY ("team_id")\n);\n'
               'CREATE UNIQUE INDEX "team_team_id_key" ON "team"("team_id");\n'
               'CREATE UNIQUE INDEX "team_code_key" ON "team"("code");\n'
               'CREATE UNIQUE INDEX "team_code_c_key" ON "team"("team_id" COLLATE "C");\n'
               'CREATE UNIQUE INDEX "team_slug_key" ON "team"("slug");\n'
               'CREATE UNIQUE INDEX "team_slug_part_key" ON "team"("slug") WHERE "code" IS NULL;\n'
               'CREATE UNIQUE INDEX "team_name_code_key" ON "team"("name", "code") NULLS NOT DISTINCT;\n'
               'CREATE UNIQUE INDEX "team_name_code_key2" ON "team"("name", "code");\n')


def prisma_project(drops):
    return {"package.json": '{"scripts":{"update-db":"prisma migrate deploy"},"dependencies":{"prisma":"^6"}}\n',
            "prisma/schema.prisma": PRISMA_SCHEMA,
            "prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
            "prisma/migrations/01_init/migration.sql": PRISMA_INIT,
            "prisma/migrations/02_drop/migration.sql": drops}


def integrity(findings):
    return [(line, risk) for path, rule, line, risk in findings if rule == "integrity-not-enforced"]


def duplicate_key_dropped(s):
    """umami 17_remove_duplicate_key: a unique index on the primary key's columns, or on more
    columns than another full unique index has, refuses nothing the other does not: dropping it is
    no integrity finding."""
    repository(s, prisma_project('-- DropIndex\nDROP INDEX "team_team_id_key";\n\n-- DropIndex\nDROP INDEX "team_name_code_key2";\n'))
    found = integrity(analyze(s))
    check(found == [], f"no integrity-not-enforced for the duplicate unique indexes: {found}")


def duplicate_key_still_reported(s):
    """The same drops where nothing else refuses the duplicates stay HIGH: an index with a COLLATE of
    its own, one whose only twin is partial, a NULLS NOT DISTINCT one beside a plain one on nullable
    columns, one whose twin the same statement drops, and one dropped with CASCADE."""
    repository(s, prisma_project('DROP INDEX "team_code_c_key";\n'
                                 'DROP INDEX "team_slug_key";\n'
                                 'DROP INDEX "team_name_code_key";\n'
                                 'DROP INDEX "team_code_key";\n'
                                 'DROP INDEX "team_team_id_key" CASCADE;\n'))
    found = integrity(analyze(s))
    check(found == [(1, "HIGH"), (2, "HIGH"), (3, "HIGH"), (4, "HIGH"), (5, "HIGH")], f"each drop is HIGH: {found}")


def duplicate_key_same_statement(s):
    """Two unique indexes on the same columns dropped by one statement: the second is still reported."""
    repository(s, prisma_project('DROP INDEX "team_name_code_key2", "team_name_code_key";\n'))
    found = integrity(analyze(s))
    check(found == [(1, "HIGH")], f"the statement is HIGH: {found}")


def linked(s, links):
    """A plain SQL project (migrations/) with links committed beside it: name -> link text."""
    files = {"migrations/001_init.sql": "CREATE TABLE t (id int PRIMARY KEY);\n", "static/app.js": "console.log(1);\n"}
    repository(s, files)
    for name, target in links.items():
        os.makedirs(os.path.dirname(os.path.join(s.repo, name)), exist_ok=True)
        os.symlink(target, os.path.join(s.repo, name))
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "links")


def not_a_file(findings):
    return sorted(path for path, rule, line, risk in findings if rule == "migration-not-a-file" and risk == "CRITICAL")


def asset_links_skipped(s):
    """grist-core's static/swagger-ui.css -> ../node_modules/swagger-ui-dist/swagger-ui.css (and
    hljs.default.css): a stylesheet linked to a stylesheet is no migration path, with or without
    node_modules installed."""
    linked(s, {"static/swagger-ui.css": "../node_modules/swagger-ui-dist/swagger-ui.css",
               "static/hljs.default.css": "../node_modules/highlight.js/styles/default.css",
               "docs/README.md": "../README.md"})
    found = not_a_file(analyze(s))
    check(found == [], f"no migration-not-a-file for the stylesheet links: {found}")


def hiding_links_reported(s):
    """Links that may hide migrations stay CRITICAL: a .sql name, a stylesheet name for a folder or
    a .sql file, and a folder link."""
    linked(s, {"static/x.sql": "../node_modules/pkg/x.sql",
               "static/y.css": "../node_modules/pkg/migrations",
               "static/z.css": "../node_modules/pkg/evil.sql",
               "db": "node_modules/pkg/db"})
    found = not_a_file(analyze(s))
    check(found == ["db", "static/x.sql", "static/y.css", "static/z.css"], f"each link is CRITICAL: {found}")


TYPEORM = {
    "data-source.js": ("const { DataSource } = require('typeorm');\n"
                       "module.exports = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, "
                       "migrations: ['migrations/*.js'] });\n"),
    "package.json": json.dumps({"name": "app", "scripts": {"migrate": "typeorm migration:run -d data-source.js"},
                                "dependencies": {"typeorm": "0.3.20", "pg": "8"}}) + "\n",
    "migrations/1700000000000-S.js": ("const sqlUtils = require('../lib/sqlUtils');\n"
                                      "module.exports = class S1700000000000 {\n"
                                      "  async up(q) { await q.query('CREATE TABLE t (id int)'); }\n"
                                      "  async down() {}\n};\n"),
}


def sql_utils(module):
    """grist-core's app/gen-server/sqlUtils.ts: pure helpers, and an import of a typeorm module."""
    return (f"const {{ Loader }} = require('{module}');\n"
            "exports.datetime = (type) => type === 'postgres' ? 'timestamptz' : 'datetime';\n"
            "exports.load = (rows) => new Loader(rows);\n")


def unknowns(findings):
    return [(path, line) for path, rule, line, risk in findings if rule == "unknown-statement"]


def typeorm_builder_import(s):
    """grist-core Activation-Enabled.ts:1 loads sqlUtils, which imports
    typeorm/query-builder/relation-id/RelationIdLoader: a class typeorm's own index loads too."""
    repository(s, {**TYPEORM, "lib/sqlUtils.js": sql_utils("typeorm/query-builder/relation-id/RelationIdLoader")})
    found = unknowns(analyze(s))
    check(found == [], f"nothing unknown: {found}")


def typeorm_internal_import(s):
    """typeorm's other internals stay unknown: ImportUtils loads any file, PlatformTools any module,
    and a path that climbs out of query-builder is no builder."""
    for module in ("typeorm/util/ImportUtils", "typeorm/platform/PlatformTools", "typeorm/query-builder/../util/ImportUtils"):
        s.repo = s.repo.rstrip("/") + "x"
        repository(s, {**TYPEORM, "lib/sqlUtils.js": sql_utils(module)})
        found = unknowns(analyze(s))
        check(("migrations/1700000000000-S.js", 1) in found, f"{module}: the load is unknown: {found}")


SCENARIOS = {f.__name__: f for f in (duplicate_key_dropped, duplicate_key_still_reported, duplicate_key_same_statement,
                                     asset_links_skipped, hiding_links_reported, typeorm_builder_import, typeorm_internal_import)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
