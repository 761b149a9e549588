"""Knex schema and query builders rendered as knex 3.3.0 compiles them (stranger review 87, issue
#53): a timestamp's precision (pg-columncompiler.js datetime(): `timestamptz(3)`), the column
aliases of tablebuilder.js (`bool`, `varchar`, `biginteger`, `bigincrements`), timestamps()'s
camelCase names, a `knex.ref()` value (ref.js: the column), and a whereNotIn of a subquery on a
write, which pgfence does not render: unknown at its line, never a statement without its WHERE.
Each scenario runs `analyze --ci --unknown block` on a repository; controls keep their answers.

    test_knex_render.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import GATE, KNEX  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

CREATE = "migrations/20230101000000_create_uploads.js"
MIG = "migrations/20230330082209_stricter_uploads.js"
CREATE_UPLOADS = """exports.up = async (knex) => {
  await knex.schema.createTable('file_uploads', (table) => {
    table.string('id').primary();
    table.timestamp('uploadDate').defaultTo(knex.fn.now());
    table.timestamp('seenAt', { useTz: true });
  });
};
exports.down = async () => {};
"""


def migration(body):
    return "exports.up = async (knex) => {\n" + body + "\n};\nexports.down = async () => {};\n"


def analyze(s, head):
    """`analyze --ci --unknown block` of a repository whose branch adds `head`: exit code, the
    findings of MIG as (rule, risk, line, message) and the SQL of its statements."""
    pull_request(s, head, KNEX)
    proc = subprocess.run([s.args.binary, "analyze", "--no-config", *GATE, "--output", "json", "."], cwd=s.repo,
                          capture_output=True, text=True, timeout=120)
    files = [f for f in json.loads(proc.stdout)["files"] if os.path.normpath(f["path"]) == MIG]
    check(len(files) == 1, f"{MIG} is analysed: {proc.stdout[:600]}")
    found = [(f["rule"], f["risk"], f["start"]["line"], f["message"]) for f in files[0]["findings"]]
    return proc, found, [st["sql"] or "" for st in files[0]["statements"]]


def unknown_lines(found):
    return [line for rule, _, line, _ in found if rule == "unknown-statement"]


# 1. timestamp(col, { precision: 3 }) is `timestamptz(3)`: from the earlier timestamptz (a migration
# before it), the type change rewrites the table (PostgreSQL's timestamp_support keeps the table only
# when the precision does not shrink).
def timestamp_precision_rewrite(s):
    proc, found, sql = analyze(s, {CREATE: CREATE_UPLOADS, MIG: migration(
        "  await knex.schema.alterTable('file_uploads', (table) => {\n"
        "    table.timestamp('uploadDate', { precision: 3, useTz: true }).alter();\n  });")})
    check(any("type timestamptz(3)" in q for q in sql), f"the precision is rendered: {sql}")
    check(any(r == "alter-column-type-rewrite" and risk == "HIGH" and line == 3 for r, risk, line, _ in found),
          f"a HIGH rewrite at line 3: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def timestamp_positional_precision(s):
    """timestamp(col, false, 3) and datetime(col, { useTz: false, precision: 6 })."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex.schema.createTable('events', (table) => {\n"
        "    table.timestamp('at', false, 3);\n    table.datetime('local', { useTz: false, precision: 6 });\n  });")})
    check(any('"at" timestamptz(3)' in q and '"local" timestamp(6)' in q for q in sql), f"both precisions are rendered: {sql}")
    check(not unknown_lines(found), f"nothing unknown: {found}")


def timestamp_precision_unread(s):
    """A precision pgfence cannot read decides whether the change rewrites: unknown at its line."""
    proc, found, sql = analyze(s, {CREATE: CREATE_UPLOADS, MIG: migration(
        "  const precision = Number(process.env.PRECISION);\n"
        "  await knex.schema.alterTable('file_uploads', (table) => {\n"
        "    table.timestamp('uploadDate', { precision }).alter();\n  });")})
    check(3 in unknown_lines(found), f"unknown at line 3: {found}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def timestamp_same_type_control(s):
    """timestamp(col, { useTz: true }) of a timestamptz column is the same type: no rewrite."""
    proc, found, sql = analyze(s, {CREATE: CREATE_UPLOADS, MIG: migration(
        "  await knex.schema.alterTable('file_uploads', (table) => {\n"
        "    table.timestamp('seenAt', { useTz: true }).alter();\n  });")})
    check(any("type timestamptz " in q for q in sql), f"timestamptz with no precision: {sql}")
    check(not any(r == "alter-column-type-rewrite" and risk == "HIGH" for r, risk, _, _ in found), f"no HIGH rewrite: {found}")
    check(not unknown_lines(found), f"nothing unknown: {found}")


# 2. knex's column aliases (tablebuilder.js columnTypes, columnbuilder.js columnAlias).
def column_aliases(s):
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex.schema.createTable('invites', (table) => {\n"
        "    table.bigincrements('id');\n    table.bool('used');\n    table.varchar('code', 32);\n"
        "    table.biginteger('n');\n  });")})
    check(not unknown_lines(found), f"nothing unknown: {found}")
    want = ['"id" bigserial', '"used" boolean', '"code" varchar(32)', '"n" bigint']
    check(any(all(w in q for w in want) for q in sql), f"{want} rendered: {sql}")


def timestamps_camel_case(s):
    """timestamps(false, true, true) and timestamps({ useCamelCase: true }) name createdAt/updatedAt."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex.schema.createTable('a', (table) => { table.timestamps(false, true, true); });\n"
        "  await knex.schema.createTable('b', (table) => { table.timestamps({ useCamelCase: true }); });\n"
        "  await knex.schema.alterTable('c', (table) => { table.dropTimestamps(true); });")})
    check(not unknown_lines(found), f"nothing unknown: {found}")
    check(any('"createdAt" timestamptz not null default CURRENT_TIMESTAMP' in q for q in sql), f"camelCase with defaults: {sql}")
    check(any('create table "b"' in q and '"updatedAt" timestamptz' in q for q in sql), f"the object form: {sql}")
    check(any('drop column "createdAt"' in q for q in sql), f"dropTimestamps(true): {sql}")


# 3. A whereNotIn of a subquery on a write: knex writes `not in (select ...)`, pgfence does not.
def where_not_in_subquery(s):
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex('file_uploads')\n    .whereNotIn('modelId', knex().from('branches').select('id'))\n"
        "    .update({ modelId: null });")})
    check(2 in unknown_lines(found), f"unknown at line 2: {found}")
    check(not any(r == "update-without-where" for r, _, _, _ in found), f"no update without WHERE: {found}")
    check(not any(q.startswith("update") for q in sql), f"no statement without its WHERE: {sql}")
    check(proc.returncode == 1, f"the gate fails: {proc.returncode}")


def where_not_in_callback(s):
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex('file_uploads').whereNotIn('modelId', (qb) => qb.select('id').from('branches')).del();")})
    check(2 in unknown_lines(found), f"unknown at line 2: {found}")
    check(not any(r == "delete-without-where" for r, _, _, _ in found), f"no delete without WHERE: {found}")


def where_not_in_control(s):
    """A variable of values stays a delete that may keep every row; a subquery AND-ed with a
    condition pgfence reads is a filtered statement."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  const keep = await knex('branches').pluck('id');\n"
        "  await knex('file_uploads').whereNotIn('modelId', keep).del();\n"
        "  await knex('file_uploads').where('id', 7).whereNotIn('modelId', knex('branches').select('id')).del();")})
    check(any(r == "delete-without-where" and line == 3 for r, _, line, _ in found), f"line 3 every row: {found}")
    check(not any(line == 4 and (r == "unknown-statement" or r.endswith("without-where")) for r, _, line, _ in found),
          f"line 4 filtered: {found}")


def ref_value(s):
    """update({ a: knex.ref('b') }) sets the column to the other column: no parameter."""
    proc, found, sql = analyze(s, {MIG: migration(
        "  await knex('workspace_plans').where('id', 1).update({ updatedAt: knex.ref('createdAt'), n: 2 });")})
    check(any('set "updatedAt" = "createdAt", "n" = $1 where "id" = $2' in q for q in sql), f"the ref is the column: {sql}")


SCENARIOS = {f.__name__: f for f in (
    timestamp_precision_rewrite, timestamp_positional_precision, timestamp_precision_unread, timestamp_same_type_control,
    column_aliases, timestamps_camel_case, where_not_in_subquery, where_not_in_callback, where_not_in_control, ref_value)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
