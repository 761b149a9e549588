"""A knex.raw() given as a where value or column (red team R88c F8, issue #53). knex writes it in
place, as it writes a whereRaw: client.js parameter() is `unwrapRaw(value, true, ...) || '?'`, the
raw's text with no parentheses, and whereIn wraps it in one pair (client.js values()). So
`where('id', 5).where('expires_at', '<', knex.raw('now() or revoked')).del()` is `delete from
"sessions" where "id" = 5 and "expires_at" < now() or revoked`, and on PG15 it deleted 500 other
rows; pgfence read the raw as a parameter `$2`, which kept the where narrow. pgfence now writes the
raw's text in place, its own `?` bindings as $n; a raw it does not write there is unknown at its line.

Each expected rendering is knex 3.1.0's for the same chain (/tmp/kr89/chains.js, toSQL().toNative()):
  valraw:  delete from "sessions" where "id" = $1 and "expires_at" < now() or revoked
  valraw2: delete from "sessions" where "id" = $1 and "expires_at" = now() or revoked
  nestraw: delete from "sessions" where "id" = $1 and expires_at < now() or revoked
  objraw:  delete from "sessions" where "id" = $1 and "expires_at" = expires_at or revoked
  likeraw: delete from "sessions" where "id" = $1 and "user_id" like user_id::text or revoked
  inraw:   delete from "sessions" where "id" = $1 and "user_id" in (select user_id from sessions) or (revoked)
  notraw:  delete from "sessions" where "id" = $1 and not "expires_at" = expires_at or revoked
  andraw:  delete from "sessions" where "id" = $1 and "expires_at" < $2 or revoked
  upd:     update "sessions" set "revoked" = $1 where "id" = $2 and "expires_at" < now() or revoked
  ctl:     delete from "sessions" where "id" = $1 and "expires_at" < now()
  ctlbind: delete from "sessions" where "id" = $1 and "expires_at" < $2
  both:    update "permissions" set "conditions" = $1 where conditions::text = '{}'::text   (automatisch's migration)

    test_knex_where_raw_value.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_knex_render import analyze, migration, unknown_lines  # noqa: E402
from test_knex_where_raw import run, wide  # noqa: E402

MIG = "migrations/20230330082209_stricter_uploads.js"


def rendered_wide(s, chain, want, body=None):
    proc, found, sql = analyze(s, {MIG: migration(body)}) if body else run(s, chain)
    check(any(want in q for q in sql), f"the raw as knex writes it, {want!r}: {sql}")
    check(wide(found), f"line 2 may reach every row: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def value_raw_op(s):
    rendered_wide(s, ".where('expires_at', '<', knex.raw('now() or revoked')).del()", 'where "id" = $1 and "expires_at" < now() or revoked')


def value_raw_two_args(s):
    rendered_wide(s, ".where('expires_at', knex.raw('now() or revoked')).del()", 'where "id" = $1 and "expires_at" = now() or revoked')


def where_raw_of_raw(s):
    rendered_wide(s, ".whereRaw(knex.raw('expires_at < now() or revoked')).del()", 'where "id" = $1 and expires_at < now() or revoked')


def object_raw(s):
    rendered_wide(s, "", 'where "id" = $1 and "expires_at" = expires_at or revoked',
                  "  await knex('sessions').where({ id: 5, expires_at: knex.raw('expires_at or revoked') }).del();")


def like_raw(s):
    rendered_wide(s, ".whereLike('user_id', knex.raw('user_id::text or revoked')).del()", 'where "id" = $1 and "user_id" like user_id::text or revoked')


def in_raw(s):
    rendered_wide(s, ".whereIn('user_id', knex.raw('select user_id from sessions) or (revoked')).del()",
                  'where "id" = $1 and "user_id" in (select user_id from sessions) or (revoked)')


def where_not_raw_value(s):
    rendered_wide(s, ".whereNot('expires_at', knex.raw('expires_at or revoked')).del()", 'where "id" = $1 and not "expires_at" = expires_at or revoked')


def and_where_raw_binding(s):
    rendered_wide(s, ".andWhere('expires_at', '<', knex.raw('? or revoked', ['2024-01-01'])).del()", 'where "id" = $1 and "expires_at" < $2 or revoked')


def const_raw_update(s):
    """A raw kept in a const, on an update."""
    rendered_wide(s, "", 'set "revoked" = $1 where "id" = $2 and "expires_at" < now() or revoked',
                  "  const stale = knex.raw('now() or revoked'); await knex('sessions').where('id', 5).where('expires_at', '<', stale)"
                  ".update({ revoked: true });")


def raw_value_unplaced(s):
    """A raw pgfence does not write in place (an identifier binding `??`; a raw in whereBetween): unknown
    at its line, never a parameter that keeps the where narrow."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex('sessions').where('id', 5).where('expires_at', '<', knex.raw('?? or true', ['x'])).del();\n"
        "  await knex('sessions').where('id', 5).whereBetween('expires_at', [knex.raw('now() or revoked'), knex.raw('now()')]).del();")})
    check(2 in unknown_lines(found) and 3 in unknown_lines(found), f"unknown at lines 2 and 3: {found}")
    check(proc.returncode != 0, f"the gate fails: {proc.returncode}")


def raw_value_control(s):
    """A raw value with no OR, one with a binding, and automatisch's raw column and value stay narrow."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex('sessions').where('id', 5).where('expires_at', '<', knex.raw('now()')).del();\n"
        "  await knex('sessions').where('id', 5).where('expires_at', '<', knex.raw('?', ['2024-01-01'])).del();\n"
        "  await knex('permissions').where(knex.raw('conditions::text'), '=', knex.raw(\"'{}'::text\")).update('conditions', JSON.stringify([]));")})
    for want in ('delete from "sessions" where "id" = $1 and "expires_at" < now()', 'where "id" = $1 and "expires_at" < $2',
                 'update "permissions" set "conditions" = $1 where conditions::text = \'{}\'::text'):
        check(any(q.startswith(want) or want in q for q in sql), f"rendered {want!r}: {sql}")
    check(not any(line in (2, 3) for _, _, line, _ in found), f"lines 2 and 3 narrow: {found}")
    # automatisch's update keeps its where (its condition on an expression may still be judged most rows).
    check(not any(line == 4 and (risk in ("HIGH", "CRITICAL") or r == "unknown-statement") for r, risk, line, _ in found),
          f"line 4 filtered: {found}")


def row_value_rendered(s):
    """A value read from rows a knex query returned is data knex binds (automatisch's
    20240919100138_make_config_single_record.js; knex 3.1: `delete from "config" where "id" != $1`)."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  const [configEntry] = await knex('config').insert({ key: 'a' }).returning('id');\n"
        "  await knex('config').where('id', '!=', configEntry.id).delete();")})
    check(any(q == 'delete from "config" where "id" != $1' for q in sql), f"rendered: {sql}")
    # (`!=` keeps every other row: judged as that SQL, not as a where of a parameter alone.)
    check(any(line == 3 and '"id" != $1' in m for _, _, line, m in found), f"line 3 judged as rendered: {found}")


SCENARIOS = {f.__name__: f for f in (
    value_raw_op, value_raw_two_args, where_raw_of_raw, object_raw, like_raw, in_raw, where_not_raw_value, and_where_raw_binding,
    const_raw_update, raw_value_unplaced, raw_value_control, row_value_rendered)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
