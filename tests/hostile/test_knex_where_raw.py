"""A knex where raw holding a top-level OR (red team R88 F7, issue #53). knex writes a whereRaw's
text as is, without parentheses (querycompiler.js whereRaw(): `this._not(statement, '') +
unwrapRaw_(...)`), joined to the other conditions by its and/or, so `where('id', 5)
.whereRaw('expires_at < now() or revoked').del()` is `delete from "sessions" where "id" = ? and
expires_at < now() or revoked` (knex 3.3.0 toSQL()): on PG15 it deleted 500 other rows. pgfence
renders the raw in place, its bindings as $n, and judges the WHERE as SQL; a raw whose text or
bindings it cannot place is unknown at its line. Controls keep their narrow answers.

    test_knex_where_raw.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_knex_render import analyze, migration, unknown_lines  # noqa: E402


def run(s, chain):
    return analyze(s, {"migrations/20230330082209_stricter_uploads.js": migration("  await knex('sessions').where('id', 5)" + chain + ";")})


def wide(found):
    """Whether line 2 is judged as a write that may reach every row (a HIGH, most rows, unknown or unparsable)."""
    return any(line == 2 and (risk in ("HIGH", "CRITICAL") or r in ("unknown-statement", "unparsable-statement") or "most rows" in m)
               for r, risk, line, m in found)


def where_raw_or(s):
    proc, found, sql = run(s, ".whereRaw('expires_at < now() or revoked').del()")
    check(any('where "id" = $1 and expires_at < now() or revoked' in q for q in sql), f"the raw as knex writes it: {sql}")
    check(wide(found), f"line 2 may delete every row: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def and_where_raw_binding_or(s):
    proc, found, sql = run(s, ".andWhereRaw('? or true', [1]).del()")
    check(any('where "id" = $1 and $2 or true' in q for q in sql), f"the binding placed: {sql}")
    check(wide(found), f"line 2 may delete every row: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def where_knex_raw_or_update(s):
    proc, found, sql = run(s, ".where(knex.raw('expires_at < ? or revoked', ['2024-01-01'])).update({ revoked: true })")
    check(any('set "revoked" = $1 where "id" = $2 and expires_at < $3 or revoked' in q for q in sql), f"the raw as knex writes it: {sql}")
    check(wide(found), f"line 2 may update every row: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def or_where_raw(s):
    proc, found, sql = run(s, ".orWhereRaw('expires_at < now() or revoked').del()")
    check(any('where "id" = $1 or expires_at < now() or revoked' in q for q in sql), f"the raw as knex writes it: {sql}")
    check(wide(found), f"line 2 may delete every row: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def where_not_raw_or(s):
    """whereNot(knex.raw(...)) is whereRaw with `not ` before the text (knex 3.3.0 toString():
    `where "id" = 5 and not expires_at < now() or revoked`)."""
    proc, found, sql = run(s, ".whereNot(knex.raw('expires_at < now() or revoked')).del()")
    check(any('where "id" = $1 and not expires_at < now() or revoked' in q for q in sql), f"the raw as knex writes it: {sql}")
    check(wide(found), f"line 2 may delete every row: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def where_raw_unplaced(s):
    """An identifier binding (`??`) pgfence does not place: unknown at its line, never narrow."""
    proc, found, sql = run(s, ".whereRaw('?? < now() or true', ['expires_at']).del()")
    check(2 in unknown_lines(found), f"unknown at line 2: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def where_raw_unparsable(s):
    """A raw that does not parse in place: unparsable at its line, never narrow."""
    proc, found, sql = run(s, ".whereRaw('expires_at < now() or').del()")
    check(any(r == "unparsable-statement" and line == 2 for r, _, line, _ in found), f"line 2 unparsable: {found}")
    check(proc.returncode != 0, f"the gate fails: {proc.returncode}")


def where_raw_control(s):
    """An AND-ed raw with no OR, and a parenthesized one, stay narrow."""
    proc, found, sql = analyze(s, {"migrations/20230330082209_stricter_uploads.js": migration(
        "  await knex('sessions').where('id', 5).whereRaw('expires_at < now()').del();\n"
        "  await knex('sessions').where('id', 5).whereRaw('(expires_at < now() or revoked)').del();")})
    check(any('where "id" = $1 and expires_at < now()' in q for q in sql), f"rendered: {sql}")
    check(any('where "id" = $1 and (expires_at < now() or revoked)' in q for q in sql), f"rendered: {sql}")
    check(not any(line in (2, 3) and (risk in ("HIGH", "CRITICAL") or r == "unknown-statement") for r, risk, line, _ in found),
          f"both narrow: {found}")
    check(proc.returncode == 0, f"the gate passes: {proc.returncode} {found}")


def where_raw_variable_control(s):
    """A binding in a variable (`[cutoff]`, `[row.id]`) is a parameter, as knex binds it: no unknown."""
    proc, found, sql = analyze(s, {"migrations/20230330082209_stricter_uploads.js": migration(
        "  const cutoff = process.env.CUTOFF;\n"
        "  await knex('sessions').where('id', 5).whereRaw('expires_at < ?', [cutoff]).del();")})
    check(any('where "id" = $1 and expires_at < $2' in q for q in sql), f"rendered: {sql}")
    check(not unknown_lines(found), f"nothing unknown: {found}")


SCENARIOS = {f.__name__: f for f in (
    where_raw_or, and_where_raw_binding_or, where_knex_raw_or_update, or_where_raw, where_not_raw_or, where_raw_unplaced, where_raw_unparsable, where_raw_control,
    where_raw_variable_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
