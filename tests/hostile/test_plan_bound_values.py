"""A plan never writes `$1` into a step as SQL (stranger review 87: speckle's knex
`whereNotIn(...).update({ modelId: null })` became a plan step `update "file_uploads" set "modelId" = $1;`,
which knex 3.3.0 fails, "there is no parameter $1", and which with a value would change every row).
A statement pgfence renders from an ORM call's bound value declines the file's plan, with its line.

    test_plan_bound_values.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
Scenarios:
  knex_bound_update  a knex update with a value from a variable, then a foreign key: no plan step holds
                     `$1`; the plan is declined at the update's line
  sequelize_bulk_insert  a sequelize bulkInsert (read as INSERT ... DEFAULT VALUES), then a foreign key:
                     no step inserts a row of defaults; the plan is declined at the insert's line
  raw_update_control the same update written in knex.raw with a literal: its plan is still offered
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_review_precision import env, repository  # noqa: E402

BASE = {
    "package.json": '{"name":"app","private":true,"dependencies":{"knex":"3.1.0","pg":"8.11.0"}}\n',
    "migrations/20240101000000_init.js": "exports.up = (knex) => knex.raw('CREATE TABLE files "
                                         "(id bigint PRIMARY KEY, model_id bigint, owner text)');\n"
                                         "exports.down = () => {};\n",
}
FK = "  await knex.raw('ALTER TABLE files ADD CONSTRAINT files_model_fk FOREIGN KEY (model_id) REFERENCES files (id)');\n"


def plan_of(s, path):
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", path],
                          cwd=s.repo, env=env(), capture_output=True, text=True, timeout=120)
    check(proc.returncode in (0, 1), f"analyze: exit {proc.returncode}: {proc.stderr}")
    files = [f for f in json.loads(proc.stdout)["files"] if os.path.normpath(f["path"]) == path]
    check(len(files) == 1, f"one report for {path}: {proc.stdout[:400]}")
    return files[0].get("plan") or {}


def knex_bound_update(s):
    path = "migrations/20240102000000_fk.js"
    repository(s, {**BASE, path: "const owner = process.env.DEFAULT_OWNER;\n"
                                 "exports.up = async (knex) => {\n"
                                 "  await knex('files').where('id', '>', owner.length).update({ owner: owner });\n"
                                 + FK + "};\nexports.down = () => {};\n"})
    plan = plan_of(s, path)
    steps = [st.get("sql", "") for st in plan.get("steps", [])]
    check(not any("$1" in sql for sql in steps), f"a plan step holds $1: {steps}")
    check("line 3" in plan.get("declined", "") and "$1" in plan.get("declined", ""),
          f"the plan is declined at the update's line: {plan}")


def sequelize_bulk_insert(s):
    path = "migrations/20240102000000-fk.js"
    repository(s, {"package.json": '{"name":"app","private":true,"dependencies":{"sequelize-cli":"6.6.2","sequelize":"6.37.0","pg":"8.11.0"}}\n',
                   "migrations/20240101000000-init.js": "module.exports = { up: async (q) => { await q.sequelize.query("
                   "'CREATE TABLE files (id bigint PRIMARY KEY, model_id bigint, owner text)'); }, down: async () => {} };\n",
                   path: "module.exports = {\n  up: async (queryInterface) => {\n"
                         "    await queryInterface.bulkInsert('files', [{ id: 1, owner: 'a' }]);\n"
                         "    await queryInterface.sequelize.query('ALTER TABLE files ADD CONSTRAINT files_fk FOREIGN KEY "
                         "(model_id) REFERENCES files (id)');\n  },\n  down: async () => {},\n};\n"})
    plan = plan_of(s, path)
    steps = [st.get("sql", "") for st in plan.get("steps", [])]
    check(not any("DEFAULT VALUES" in sql for sql in steps), f"a plan step inserts a row of defaults: {steps}")
    check("line 3" in plan.get("declined", ""), f"the plan is declined at the insert's line: {plan}")


def raw_update_control(s):
    path = "migrations/20240102000000_fk.js"
    repository(s, {**BASE, path: "exports.up = async (knex) => {\n"
                                 "  await knex.raw(\"update files set owner = 'nobody'\");\n"
                                 + FK + "};\nexports.down = () => {};\n"})
    plan = plan_of(s, path)
    steps = [st.get("sql", "") for st in plan.get("steps", [])]
    check(not plan.get("declined"), f"a plan is offered: {plan}")
    check(any("NOT VALID" in sql for sql in steps) and any("'nobody'" in sql for sql in steps),
          f"the plan adds the key NOT VALID and keeps the update: {steps}")


SCENARIOS = {"knex_bound_update": knex_bound_update, "sequelize_bulk_insert": sequelize_bulk_insert, "raw_update_control": raw_update_control}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
