"""Knex query-builder chains read as knex 3 compiles them (red team R87 F2-F5, issue #53): the `.not`
and `.or` getters (querybuilder.js `get not()`, `get or()`), a knex.raw() or a callback handed to a
select chain (a data-modifying CTE, a set_config()), `.modify(fn)` and a builder changed under
`await`, a delete with a join (pg-querycompiler.js del(): `using`). Each scenario reviews a pull
request with `pr --ci --unknown block --max-risk low`: the harmful form fails the gate with a finding
at its line; each control (whereNot, a join pinned on the target's key, a select of literals) keeps
its answer.

    test_knex_chains.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import GATE, KNEX  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

MIG = "migrations/20240102000000_report.js"


def review(s, body):
    """`pr` on a branch adding a migration whose up() is `body` (its first line is line 2): exit code
    and the SARIF results in the migration, as (rule, line, message)."""
    pull_request(s, {MIG: "exports.up = async (knex) => {\n" + body + "\n};\nexports.down = async () => {};\n"}, KNEX)
    s.start_double()
    sarif_path = os.path.join(s.tmp, "pr.sarif")
    pr = s.run_pr(*GATE, "--sarif", sarif_path)
    s.all_requests_valid()
    with open(sarif_path) as f:
        sarif = json.load(f)
    found = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["message"]["text"])
             for r in sarif["runs"][0]["results"]
             if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(MIG)]
    return pr, found


def fails_at(s, body, line, rules):
    pr, found = review(s, body)
    check(pr.returncode == 1, f"pr --ci --unknown block --max-risk low fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    check(any(r in rules and at == line for r, at, _ in found), f"a finding {rules} at line {line}: {found}")
    return found


EVERY_ROW = ("delete-without-where", "backfill-in-migration", "update-without-where")


# F2: `.not` negates the next where (whereNot), `.or` joins it with OR; another getter is not read.
def not_getter(s):
    fails_at(s, '  await knex("users").not.where("id", 5).del();', 2, EVERY_ROW)


def or_getter(s):
    fails_at(s, '  await knex("users").where("id", 5).or.where("id", ">", 0).del();', 2, EVERY_ROW)


def getter_in_transaction(s):
    fails_at(s, '  await knex.transaction(async (trx) => {\n    await trx("users").and.not.where("id", 5).del();\n  });', 3, EVERY_ROW)


def unknown_getter(s):
    fails_at(s, '  await knex("users").nope.where("id", 5).del();', 2, ("unknown-statement",))


def where_not_control(s):
    """whereNot was already a where that pins nothing known."""
    fails_at(s, '  await knex("users").whereNot("id", 5).del();', 2, EVERY_ROW)


# F3: what a select chain is handed is SQL knex writes into it.
def cte_raw(s):
    fails_at(s, '  const gone = await knex.with("gone", knex.raw("delete from users returning 1")).count("* as n").from("gone");',
             2, EVERY_ROW)


def cte_callback(s):
    fails_at(s, '  const gone = await knex.with("gone", (qb) => qb.from("users").del().returning("id")).count("* as n").from("gone");',
             2, EVERY_ROW)


def cte_function_this(s):
    fails_at(s, '  await knex.withMaterialized("gone", function () { this.from("users").del(); }).select("*").from("gone");',
             2, EVERY_ROW)


def select_set_config(s):
    found = fails_at(s, '  await knex.raw("SET lock_timeout = \'2s\'");\n'
                        '  await knex.select(knex.raw("set_config(?, ?, false)", ["lock_timeout", "0"]));\n'
                        '  await knex.schema.alterTable("users", (t) => { t.text("nickname"); });', 4, ("lock-timeout-zero",))
    check(found, found)


def insert_value_set_config(s):
    fails_at(s, '  await knex.raw("SET lock_timeout = \'2s\'");\n'
                '  await knex("users").insert({ id: knex.raw("(select 1 from set_config(?, ?, false))", ["lock_timeout", "0"]) });\n'
                '  await knex.schema.alterTable("users", (t) => { t.text("nickname"); });', 4, ("lock-timeout-zero",))


def select_unread_argument(s):
    """A helper's value: knex writes what it returns (a name, or a knex.raw a caller passes) into the select."""
    fails_at(s, '  const cols = (c) => c;\n  await knex.select(cols("id")).from("users");',
             3, ("unknown-statement",))


def select_literals_control(s):
    pr, found = review(s, '  const rows = await knex.select("id").from("users").where("id", ">", 5).orderBy("id").limit(10);\n'
                          '  for (const row of rows) await knex("users").where("id", row.id).first();')
    check(pr.returncode == 0, f"a select of literals passes the gate: exit {pr.returncode}: {found}\n{pr.stderr[-800:]}")


# F4: modify(fn) and a builder changed where it is awaited.
def modify_fn(s):
    fails_at(s, '  const alsoStale = (qb) => qb.orWhere("id", ">", 0);\n  await knex("users").where("id", 5).modify(alsoStale).del();',
             3, EVERY_ROW)


def modify_select(s):
    """modify(fn) on a chain with no write: fn may make it one (`qb.del()`)."""
    fails_at(s, '  const purge = (qb) => qb.del();\n  await knex("users").modify(purge);', 3, ("unknown-statement",))


def awaited_change(s):
    fails_at(s, '  const q = knex("users").where("id", 5);\n  console.log("stale", (await q.orWhere("id", ">", 0)).length);\n'
                '  await q.del();', 4, ("unknown-statement",))


def initialiser_change(s):
    fails_at(s, '  const q = knex("users").where("id", 5);\n  const n = await q.orWhere("id", ">", 0);\n  await q.del();',
             4, ("unknown-statement",))


# F5: a delete with a join (knex: `delete from "users" using "sessions" where ...`).
def join_delete(s):
    fails_at(s, '  await knex("users").join("sessions", "sessions.user_id", "sessions.user_id").where("sessions.id", 5).del();',
             2, EVERY_ROW)


def cross_join_delete(s):
    fails_at(s, '  await knex("users").crossJoin("sessions").where("sessions.id", 5).del();', 2, EVERY_ROW)


def join_target_key_control(s):
    pr, found = review(s, '  await knex("users").join("sessions", "sessions.user_id", "users.id").where("users.id", 5).del();')
    check(pr.returncode == 0, f"a delete pinned on the target's key passes: exit {pr.returncode}: {found}\n{pr.stderr[-800:]}")


SCENARIOS = {f.__name__: f for f in (
    not_getter, or_getter, getter_in_transaction, unknown_getter, where_not_control, cte_raw, cte_callback, cte_function_this,
    select_set_config, insert_value_set_config, select_unread_argument, select_literals_control, modify_fn, modify_select, awaited_change,
    initialiser_change, join_delete, cross_join_delete, join_target_key_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
