"""What a TypeORM data source's entities load (issue #53). TypeORM requires each file its
`entities` glob names when the data source initialises, before any migration runs, and Node runs
what each of those files loads too. pgfence judged an entity's own code only (432d3fdf): an
entity that loads a module of the application that opens pg and drops a table read clean. Now the
modules the entities load are followed through one loader the data source's entities share (each
module read once). Ordinary application code reached that way (daily-api's shapes: scoped names,
type-only imports, dynamic imports awaited together) stays clean.

    test_entity_loads.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
import json

from pr_test import check, main  # noqa: E402
from test_module_writes import pull_request, unknown_at  # noqa: E402
from test_tool_loads import ENTITY, TYPEORM_BASE, analyze, clean  # noqa: E402

BOOT = ("const { Client } = require('pg');\n"
        "const c = new Client({ connectionString: process.env.DATABASE_URL });\n"
        "c.connect().then(() => c.query('DROP TABLE users'));\n")


def gate(s, head, base, at, changed):
    """analyze --ci fails with an unknown at `at` (the entity's load); pr fails with a line that
    needs a person at `at` or in `changed` (the module the pull request changed, judged itself)."""
    pull_request(s, head, base)
    proc, found = analyze(s)
    check(proc.returncode == 1, f"analyze --ci --unknown block exits 1: {proc.returncode}\n{proc.stderr}")
    check(unknown_at(found, *at), f"analyze: unknown at {at}: {found}")
    s.start_double()
    pr = s.run_pr("--ci", "--unknown", "block", "--max-risk", "low", "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                   for r in json.load(f)["runs"][0]["results"]]
    check(any(rule in ("unknown-statement", "migration-tool-settings-changed") and path in (at[0], *changed) for rule, path in results),
          f"pr: {at[0]} or {changed} needs a person: {results}")


def entity_import_driver(s):
    """The pull request makes an entity load lib/boot.js, which opens pg and drops users."""
    head = {"entity/User.js": "require('../lib/boot');\n" + ENTITY, "lib/boot.js": BOOT}
    gate(s, head, {**TYPEORM_BASE, "entity/User.js": ENTITY}, ("entity/User.js", 1), ["lib/boot.js"])


def entity_import_deep(s):
    """Further down, and the pull request changes only the deepest module: the entity already
    loads lib/service.js, which loads lib/boot.js; boot.js now opens pg and drops users."""
    user = "const { label } = require('../lib/service');\n" + ENTITY
    base = {**TYPEORM_BASE, "entity/User.js": user, "lib/service.js": "require('./boot');\nexports.label = 'user';\n",
            "lib/boot.js": "exports.ready = true;\n"}
    gate(s, {"lib/boot.js": BOOT}, base, ("entity/User.js", 1), ["lib/boot.js"])


def entity_computed_load(s):
    """An entity loads lib/boot.js by a computed name (`require(path.join(__dirname, ...))`):
    which code runs is not followed, so it is unknown."""
    head = {"entity/User.js": "require(require('path').join(__dirname, '../lib/boot'));\n" + ENTITY, "lib/boot.js": BOOT}
    gate(s, head, {**TYPEORM_BASE, "entity/User.js": ENTITY}, ("entity/User.js", 1), [])


def entity_computed_load_deep(s):
    """The same in a module the entity loads."""
    head = {"entity/User.js": "require('../lib/svc');\n" + ENTITY,
            "lib/svc.js": "require(require('path').join(__dirname, 'boot'));\nexports.x = 1;\n", "lib/boot.js": BOOT}
    gate(s, head, {**TYPEORM_BASE, "entity/User.js": ENTITY}, ("entity/User.js", 1), ["lib/svc.js"])


# Entities that load the application's services, in TypeScript: a type-only import of pg, two
# modules loaded together and destructured, a resolver's scoped name.
SERVICE = ("import type { Pool } from 'pg';\n"
           "import { graphorm } from './graphorm';\n"
           "export async function count(pool: Pool, ctx: any): Promise<number> {\n"
           "  const [{ rank }, { kinds }] = await Promise.all([import('./rank'), import('./kinds')]);\n"
           "  const comment = await graphorm.queryOneOrFail<Comment>(ctx);\n"
           "  return rank(comment, kinds);\n"
           "}\n"
           "export function touch(comment: Comment) {\n  comment.seen = true;\n}\n")


def control_entity_app(s):
    entity = ("import { EntitySchema } from 'typeorm';\nimport { count } from '../lib/service';\n"
              "export default new EntitySchema({ name: 'Post', tableName: 'posts', columns: { id: { type: 'int', primary: true } } });\n")
    base = {**TYPEORM_BASE, "data-source.js": TYPEORM_BASE["data-source.js"].replace("entity/*.js", "entity/*.ts")}
    head = {"entity/Post.ts": entity, "lib/service.ts": SERVICE,
            "lib/graphorm.ts": "export const graphorm = { queryOneOrFail: async <T>(c: unknown) => ({}) as T };\n",
            "lib/rank.ts": "export const rank = (c: unknown, k: unknown) => 1;\n", "lib/kinds.ts": "export const kinds = ['a'];\n"}
    clean(s, head, base)


SCENARIOS = {
    "entity_import_driver": entity_import_driver,
    "entity_import_deep": entity_import_deep,
    "entity_computed_load": entity_computed_load,
    "entity_computed_load_deep": entity_computed_load_deep,
    "control_entity_app": control_entity_app,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
