"""Generators of hostile migrations for the parser-limit tests (test_parser_limits.py) and the
scaling benchmark (bench/scaling.sh): deep nesting in SQL and in ORM scripts, and long files of
one repeated shape."""

# -- SQL nesting ------------------------------------------------------------------------------


def sql_plus_chain(terms):
    return "SELECT " + "+".join(["1"] * terms) + ";\n"


def sql_concat_chain(terms):
    return "SELECT " + "||".join(["'a'"] * terms) + ";\n"


def sql_parens(depth):
    return "SELECT " + "(" * depth + "1" + ")" * depth + ";\n"


def sql_calls(depth):
    return "SELECT " + "abs(" * depth + "1" + ")" * depth + ";\n"


# -- ORM script nesting: each returns a Knex migration whose up() holds the deep construct
# between two CREATE INDEX statements that must still be reported. ------------------------------

JS_SHAPES = ("parens", "arrays", "objects", "plus", "calls", "arrows", "blocks", "ternaries", "templates", "members")


def js_construct(shape, depth):
    if shape == "parens":
        return "knex.raw(" + "(" * depth + "'SELECT 1'" + ")" * depth + ");"
    if shape == "arrays":
        return "const a = " + "[" * depth + "1" + "]" * depth + ";"
    if shape == "objects":
        return "const o = " + "{a: " * depth + "1" + "}" * depth + ";"
    if shape == "plus":
        return "knex.raw('SELECT 1' " + "+ ''" * depth + ");"
    if shape == "calls":
        return "const c = " + "f(" * depth + "1" + ")" * depth + ";"
    if shape == "arrows":
        return "const g = " + "x => " * depth + "1;"
    if shape == "blocks":
        return "{" * depth + "}" * depth
    if shape == "ternaries":
        return "const t = " + "x ? " * depth + "1" + " : 2" * depth + ";"
    if shape == "templates":
        return "const s = " + "`${" * depth + "1" + "}`" * depth + ";"
    if shape == "members":
        return "const m = a" + ".b" * depth + ";"
    raise ValueError(shape)


def knex_migration(middle):
    """Line 3 and line 5 hold CREATE INDEX statements; line 4 the construct."""
    return ("exports.up = async function (knex) {\n"
            "  await knex.raw('SELECT 1');\n"
            "  await knex.raw('CREATE INDEX first_idx ON orders (a)');\n"
            "  " + middle + "\n"
            "  await knex.raw('CREATE INDEX last_idx ON orders (b)');\n"
            "};\n"
            "exports.down = async function () {};\n")


# -- long files of one shape ------------------------------------------------------------------


def many_selects(n):
    return "SELECT 1;\n" * n


def wide_table(columns):
    return "CREATE TABLE wide (" + ", ".join(f"c{i} int" for i in range(columns)) + ");\n"


def many_add_columns(n):
    return "CREATE TABLE t (id int);\n" + "".join(f"ALTER TABLE t ADD COLUMN c{i} int;\n" for i in range(n))


def one_alter_many_clauses(n):
    return "ALTER TABLE t " + ", ".join(f"ADD c{i} int DEFAULT random()" for i in range(n)) + ";\n"


def many_savepoints(n):
    return "BEGIN;\n" + "".join(f"SAVEPOINT s{i};\n" for i in range(n)) + "COMMIT;\n"


def many_do_blocks(n):
    return "".join(f"DO $$ BEGIN PERFORM {i}; END $$;\n" for i in range(n))


def many_settings(n):
    return "BEGIN;\n" + "".join(f"SAVEPOINT s; SET LOCAL lock_timeout = '{i}ms';\n" for i in range(n)) + "COMMIT;\n"


def one_line(size):
    """About `size` bytes of CREATE INDEX statements (a finding each) on one line, no line break."""
    parts, total, i = [], 0, 0
    while total < size:
        part = f"CREATE INDEX i{i} ON t (c); "
        parts.append(part)
        total += len(part)
        i += 1
    return "".join(parts)


def one_insert(size):
    """One statement of about `size` bytes: an INSERT with a long VALUES list, on one line."""
    rows, total, i = [], 0, 0
    while total < size:
        row = f"({i}, 'x{i}')"
        rows.append(row)
        total += len(row) + 2
        i += 1
    return "INSERT INTO t (a, b) VALUES " + ", ".join(rows) + ";\n"


def selects_of_size(size):
    """About `size` bytes of `SELECT 1;` lines."""
    return "SELECT 1;\n" * (size // 10)


SHAPES = {
    "selects": many_selects,
    "columns": wide_table,
    "add_columns": many_add_columns,
    "add_clauses": one_alter_many_clauses,
    "savepoints": many_savepoints,
    "do_blocks": many_do_blocks,
    "settings": many_settings,
}
