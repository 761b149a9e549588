"""False findings and unknowns of stranger review 85 (issue #53: unknown is never clean, but no false
unknowns or false HIGH on ordinary projects). Each scenario writes a benign form modelled on what the
review met (wiki's knex `whereNotIn(...).andWhere(...).del()` and its update by a row's key, lemmy's
`..._after_create` strings in Rust, its query-testing `psql -c "EXPLAIN ... SELECT"`, its dev script's
`pg_ctl init --options`) and asserts it is neither unknown nor a false HIGH; then a paired control:
the dangerous form in the same place is still reported at its line. The benign forms were each a
false finding on 36e3d80f.

    test_review85_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze, clean, gate_analyze  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

MIG = "migrations/20240102000000_auth.js"

# Class "lost WHERE" and E: knex renders every where condition (querycompiler.js where()); a bound
# value (a row's key) is a parameter, so the statement's shape is known (wiki 2.5.1.js).
WIKI_251 = """exports.up = async knex => {
  let protectedStrategies = []
  const disabled = await knex('authentication').where('isEnabled', false)
  if (disabled.length > 0) protectedStrategies = disabled.map(s => s.key)
  await knex('authentication').whereNotIn('key', protectedStrategies).andWhere('isEnabled', false).del()
  const strategies = await knex('authentication')
  let idx = 1
  for (const strategy of strategies) {
    await knex('authentication').where('key', strategy.key).update({
      strategyKey: strategy.key,
      order: (strategy.key === 'local') ? 0 : idx++
    })
  }
}
exports.down = knex => { }
"""


def report(s, head):
    pull_request(s, head, KNEX)
    proc, found = analyze(s)
    return proc, [f for f in found if f["path"] == MIG]


def knex_where_rendered(s):
    proc, found = report(s, {MIG: WIKI_251})
    unknown = [f for f in found if f["rule"] == "unknown-statement"]
    check(not unknown, f"the update by a row's key is not unknown: {unknown}")
    every = [f for f in found if f["line"] == 5 and ("every row" in f["message"] or f["rule"].endswith("without-where"))]
    check(not every, f"the delete filtered by isEnabled = false does not 'delete every row': {every}")


def knex_where_control(s):
    """A whereNotIn of values not known, alone, may keep every row; a where whose value is a knex.raw
    is SQL inlined, not a parameter (`"id" = id` is every row); an OR-ed raw undoes the rest."""
    proc, found = report(s, {MIG: "exports.up = async knex => {\n"
                                  "  let keep = []\n  keep = await knex('authentication').pluck('key')\n"
                                  "  await knex('authentication').whereNotIn('key', keep).del()\n"
                                  "  await knex('sessions').where('id', knex.raw('id')).del()\n"
                                  "  await knex('tokens').where('id', 1).orWhere(knex.raw('x')).del()\n"
                                  "  await knex('users').where('id', '>', 0).update({ plan: 'free' })\n"
                                  "  const o = { v: knex.raw('id') }\n"
                                  "  await knex('carts').where('id', o.v).del()\n"
                                  "}\nexports.down = knex => { }\n"})
    for line in (4, 5, 6, 9):
        check(any(f["line"] == line and f["rule"] in ("delete-without-where", "backfill-in-migration") for f in found),
              f"line {line}: a delete that may take every row is reported: {found}")
    check(any(f["line"] == 7 and f["rule"] == "backfill-in-migration" for f in found), f"line 7: a range update is a backfill: {found}")


def knex_where_member_control(s):
    """A where value read from a helper's parameter (`user.id`) may be a knex.raw the caller passes:
    not a bound parameter (red team R86b F3: `where('id', user.id)` with `{ id: knex.raw('id') }`
    deleted every row)."""
    proc, found = report(s, {MIG: "async function purge(knex, user) {\n  await knex('users').where('id', user.id).del();\n}\n"
                                  "exports.up = async knex => {\n  await purge(knex, { id: knex.raw('id') });\n};\n"
                                  "exports.down = async () => {};\n"})
    check(any(f["line"] == 2 and f["rule"] in ("delete-without-where", "backfill-in-migration", "unknown-statement") for f in found),
          f"line 2 is reported: {found}")


# Class F: "after_create" in Rust source is no knex pool hook.
RUST = ('use crate::plugins::plugin_hook_after;\n\npub async fn create(pool: &mut DbPool<\'_>) -> LemmyResult<()> {\n'
        '  plugin_hook_after("private_message_report_after_create", &report)?;\n  Ok(())\n}\n')


def after_create_rust(s):
    clean(s, {"crates/api/src/reports/create.rs": RUST, "crates/api/src/plugins.rs": 'let name = "notification_after_create";\nlet pool = p;\n'})


def after_create_control(s):
    """A knex config's pool afterCreate runs code on each connection: unknown at its line."""
    gate_analyze(s, {"knexfile.js": 'module.exports = {\n  client: "pg",\n  connection: process.env.DATABASE_URL,\n'
                                    '  pool: {\n    afterCreate: (conn, done) => conn.query("SET search_path TO app", done)\n  },\n'
                                    '  migrations: { directory: "./migrations" }\n};\n'}, "knexfile.js", 5)


# Class I: a `psql -c` whose SQL is a literal read; `pg_ctl init`'s options are initdb's.
EXPLAIN = ('#!/bin/sh\nsudo docker exec -i docker-postgres-1 psql -Ulemmy -c "EXPLAIN (ANALYZE, COSTS, VERBOSE, BUFFERS, FORMAT JSON) '
           "SELECT post.id, coalesce((a.comments - b.read_comments), a.comments) FROM ((post INNER JOIN person ON (post.creator_id = person.id)) "
           "LEFT OUTER JOIN a ON ((a.post_id = post.id) AND (a.expires IS NULL OR a.expires > CURRENT_TIMESTAMP))) "
           "WHERE (post.removed = 'f') ORDER BY a.hot_rank DESC LIMIT '40' OFFSET '0';\" >query_results.json\n")
DEV_DB = ('#!/usr/bin/env bash\nset -e\npg_ctl init --silent --options="--username=postgres --auth=trust --no-instructions --no-sync"\n'
          'PGDATABASE=postgres psql --quiet -c "CREATE USER lemmy WITH PASSWORD \'password\' SUPERUSER;"\n'
          'PGDATABASE=postgres psql --quiet -c "CREATE DATABASE lemmy WITH OWNER lemmy;"\n')


def psql_literal_read(s):
    """A read of no relation (a SELECT of constants or reading functions, SHOW), and a new role or
    database, are clean; lemmy's EXPLAIN ANALYZE of a SELECT from its tables stays unknown (a view or
    attribute notation may call a function that writes: red team R86b F1)."""
    clean(s, {"scripts/query_testing/version.sh": '#!/bin/sh\npsql -c "SELECT version(), now()"\npsql -c "SHOW server_version"\n'})


def pg_ctl_init_options(s):
    """initdb's own options, and a new role and database by literal SQL, in a dev script."""
    clean(s, {"scripts/start_dev_db.sh": DEV_DB})


def psql_literal_write_control(s):
    """EXPLAIN ANALYZE runs a DELETE; a function of the project's may write, called by name, by
    attribute notation (`u.user_count` is user_count(u)), through a view or as an operator; a computed
    text is not read."""
    path = "scripts/query_testing/q.sh"
    for sql in ("EXPLAIN ANALYZE DELETE FROM users", "SELECT wipe_all()", "SELECT * FROM users FOR UPDATE",
                "WITH d AS (DELETE FROM users RETURNING id) SELECT count(*) FROM d", "SELECT 1; DROP TABLE users",
                "SELECT * FROM users WHERE id = $ID", "SELECT count(*) FROM user_view",
                "EXPLAIN ANALYZE SELECT (u).user_count FROM users u", "select u.user_count from users u limit 1",
                "select u.user_count from users u", "SELECT 1 === 1", "SELECT 1 OPERATOR(public.=) 1"):
        gate_analyze(s, {path: f'#!/bin/sh\npsql -c "{sql}"\n'}, path, 2)
        shutil.rmtree(s.repo)


def pg_ctl_server_setting_control(s):
    """A server setting given to pg_ctl start (-c) or initdb's --set is still a setting."""
    path = "scripts/start_dev_db.sh"
    gate_analyze(s, {path: '#!/bin/sh\npg_ctl start --options="-c standard_conforming_strings=off"\n'}, path, 2)
    shutil.rmtree(s.repo)
    gate_analyze(s, {path: '#!/bin/sh\npg_ctl init --options="--set=standard_conforming_strings=off"\n'}, path, 2)


# Class H: a trigger calls its function by OID; renaming the function changes nothing it runs.
DIESEL = {"diesel.toml": "[print_schema]\nfile = \"src/schema.rs\"\n",
          "migrations/2021-01-01-000000_init/up.sql":
              "CREATE TABLE person (id int);\n"
              "CREATE FUNCTION f_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;\n"
              "CREATE TRIGGER t_user_delete AFTER DELETE ON person FOR EACH ROW EXECUTE FUNCTION f_user_delete();\n"
              "CREATE FUNCTION helper() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
              "CREATE FUNCTION caller() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM helper(); RETURN NEW; END $$;\n"
              "CREATE TRIGGER t_ins AFTER INSERT ON person FOR EACH ROW EXECUTE FUNCTION caller();\n",
          "migrations/2021-01-01-000000_init/down.sql": "DROP TABLE person;\n"}
RENAME = "migrations/2021-03-09-171136_rename/up.sql"


def trigger_function_rename(s):
    pull_request(s, {RENAME: "ALTER FUNCTION f_user_delete () RENAME TO f_person_delete;\n",
                     "migrations/2021-03-09-171136_rename/down.sql": "ALTER FUNCTION f_person_delete () RENAME TO f_user_delete;\n"}, DIESEL)
    proc, found = analyze(s)
    unknown = [f for f in found if f["rule"] == "unknown-statement" and f["path"] == RENAME]
    check(not unknown, f"renaming a trigger's function is not unknown: {unknown}")


def called_function_rename_control(s):
    """A function another function's body calls by name: renamed, that body breaks; still unknown."""
    pull_request(s, {RENAME: "ALTER FUNCTION helper () RENAME TO helper2;\n",
                     "migrations/2021-03-09-171136_rename/down.sql": "ALTER FUNCTION helper2 () RENAME TO helper;\n"}, DIESEL)
    proc, found = analyze(s)
    check(any(f["rule"] == "unknown-statement" and f["path"] == RENAME and f["line"] == 1 for f in found), f"unknown at {RENAME}:1: {found}")


# Class G: a folder of SQL files a Rust crate joins with include_str! runs in that order, not by name.
def crate(first, second):
    return {"Cargo.toml": "[workspace]\nmembers = [\"crates/db\"]\n",
            "crates/db/Cargo.toml": "[package]\nname = \"db\"\nversion = \"0.1.0\"\n",
            "crates/db/src/setup.rs": ("fn replaceable_schema() -> String {\n  [\n    \"CREATE SCHEMA r;\",\n"
                                       f"    include_str!(\"../replaceable/{first}\"),\n    include_str!(\"../replaceable/{second}\"),\n"
                                       "  ]\n  .join(\"\\n\")\n}\n"),
            "crates/db/replaceable/utils.sql": "CREATE SCHEMA IF NOT EXISTS r;\nCREATE FUNCTION r.noop() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n",
            "crates/db/replaceable/triggers.sql": "SELECT r.noop();\n"}


def not_created(s, files):
    pull_request(s, files, {})
    proc, found = analyze(s)
    return [f for f in found if f["rule"] == "unknown-statement" and "not created" in f["message"]]


def rust_include_order(s):
    unknown = not_created(s, crate("utils.sql", "triggers.sql"))
    check(not unknown, f"triggers.sql runs after utils.sql, which creates r.noop(): {unknown}")


def rust_include_order_control(s):
    """Joined triggers.sql first, r.noop() is not there yet: still unknown."""
    unknown = not_created(s, crate("triggers.sql", "utils.sql"))
    check(any(f["path"].endswith("triggers.sql") and f["line"] == 1 for f in unknown), f"triggers.sql:1 calls a routine not created: {unknown}")


SCENARIOS = {f.__name__: f for f in (
    knex_where_rendered, knex_where_control, knex_where_member_control, after_create_rust, after_create_control, psql_literal_read, psql_literal_write_control,
    pg_ctl_init_options, pg_ctl_server_setting_control, trigger_function_rename, called_function_rename_control,
    rust_include_order, rust_include_order_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
