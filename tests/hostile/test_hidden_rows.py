"""Rows hidden from the application, and existing objects made to behave otherwise by replacing what
they call, with no lock to show it (red team E, SQL items 1, 2, 8 and 13): a pull request on a real git
repository changes a row-level security policy (its TO list, its condition, a new restrictive one),
replaces a view the main branch made with a query that may return fewer rows, or replaces a function
an existing CHECK, policy, index, generated column, default or trigger calls. pgfence does not try to
prove a condition false or a body harmful: each must fail `pgfence analyze --ci --changed-since
main` with a HIGH finding of the named rule whose message holds the given words; the control, changes
that narrow nothing (literally true conditions, wider roles, a view's new column, the same body, a
function nothing calls), must pass.

    test_hidden_rows.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"

# The schema the main branch's earlier migrations built (red team E's sq/base.sql, trimmed).
INIT = """CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(200) NOT NULL, name text);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_all ON users USING (true);
CREATE POLICY users_admin ON users TO admin USING (true);
CREATE TABLE things (id bigserial PRIMARY KEY, qty int, nm text, tags text[]);
CREATE VIEW v_things AS SELECT * FROM things;
CREATE VIEW v_named AS SELECT id, nm FROM things WHERE nm IS NOT NULL;
CREATE FUNCTION valid_email(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 LIKE '%@%' $$;
CREATE TABLE members (id bigserial PRIMARY KEY, email text NOT NULL CHECK (valid_email(email)));
CREATE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT true $$;
CREATE TABLE docs (id bigserial PRIMARY KEY, owner bigint);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_sel ON docs USING (can_see(owner));
CREATE FUNCTION norm(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
CREATE TABLE tags (id bigserial PRIMARY KEY, name text, name_norm text GENERATED ALWAYS AS (norm(name)) STORED);
CREATE UNIQUE INDEX tags_norm ON tags (norm(name));
CREATE SCHEMA util;
CREATE FUNCTION util.f(int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE INDEX things_f ON things (util.f(qty));
CREATE FUNCTION mk_code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;
CREATE TABLE codes (id bigserial PRIMARY KEY, code text DEFAULT mk_code());
CREATE FUNCTION helper(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$;
"""

RLS = "row-security-without-policy"
VIEW = "view-returns-no-rows"
FUNCTION = "replaced-function-in-use"

# scenario: {name: (the pull request's migration, the rule it must raise, a word its message must hold)}
PULL_REQUESTS = {
    "policy": {
        "to_other_role": ("ALTER POLICY users_all ON users TO postgres;\n", RLS, "TO list"),
        "cast_false": ("ALTER POLICY users_all ON users USING ('f'::bool);\n", RLS, "plainly false"),
        "cast_false_spelt": ("ALTER POLICY users_all ON users USING (CAST('no' AS boolean));\n", RLS, "plainly false"),
        "id_below_zero": ("ALTER POLICY users_all ON users USING (id < 0);\n", RLS, "USING condition"),
        "email_null": ("ALTER POLICY users_all ON users USING (email IS NULL);\n", RLS, "USING condition"),
        "current_user": ("ALTER POLICY users_all ON users USING (current_user = 'nobody');\n", RLS, "users"),
        "with_check": ("ALTER POLICY users_all ON users WITH CHECK (name IS NOT NULL);\n", RLS, "WITH CHECK"),
        "restrictive_pk_null": ("CREATE POLICY p ON users AS RESTRICTIVE FOR SELECT USING (id IS NULL);\n", RLS,
                                "RESTRICTIVE"),
        "untracked_policy": ("ALTER POLICY elsewhere ON users TO app;\n", RLS, "TO list"),
    },
    "view": {
        "cast_false": ("CREATE OR REPLACE VIEW v_things AS SELECT * FROM things WHERE 'f'::bool;\n", VIEW, "no row"),
        "pk_is_null": ("CREATE OR REPLACE VIEW v_things AS SELECT * FROM things WHERE id IS NULL;\n", VIEW,
                       "adds a WHERE"),
        "where_changed": ("CREATE OR REPLACE VIEW v_named AS SELECT id, nm FROM things WHERE nm IS NOT NULL AND qty < 0;\n",
                          VIEW, "its WHERE changed"),
        "inner_join": ("CREATE OR REPLACE VIEW v_named AS SELECT things.id, things.nm FROM things JOIN members "
                       "ON members.id = things.id WHERE nm IS NOT NULL;\n", VIEW, "FROM changed"),
        "unnest": ("CREATE OR REPLACE VIEW v_things AS SELECT *, unnest(tags) AS tag FROM things;\n", VIEW, "unnest"),
        # red team F1, V_RULE: the view's ON SELECT rule is its definition.
        "select_rule": ('CREATE OR REPLACE RULE "_RETURN" AS ON SELECT TO v_things DO INSTEAD '
                        "SELECT * FROM things WHERE false;\n", "create-rule", "ON SELECT"),
    },
    "function": {
        "check_raises": ("CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE "
                         "AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;\n", FUNCTION, "CHECK"),
        "policy_false": ("CREATE OR REPLACE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE sql STABLE "
                         "AS $$ SELECT false $$;\n", FUNCTION, "docs_sel"),
        "policy_below_zero": ("CREATE OR REPLACE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE sql STABLE "
                              "AS $$ SELECT $1 < 0 $$;\n", FUNCTION, "policy"),
        "policy_plpgsql_false": ("CREATE OR REPLACE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE plpgsql STABLE "
                                 "AS $$ BEGIN RETURN false; END $$;\n", FUNCTION, "policy"),
        "unique_index": ("CREATE OR REPLACE FUNCTION norm(text) RETURNS text LANGUAGE sql IMMUTABLE "
                         "AS $$ SELECT 'x' $$;\n", FUNCTION, "tags"),
        "schema_index": ("CREATE OR REPLACE FUNCTION util.f(int) RETURNS int LANGUAGE sql IMMUTABLE "
                         "AS $$ SELECT 0 $$;\n", FUNCTION, "things_f"),
        "default": ("CREATE OR REPLACE FUNCTION mk_code() RETURNS text LANGUAGE sql AS $$ SELECT 'y' $$;\n",
                    FUNCTION, "DEFAULT"),
        "same_then_other": ("CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE sql IMMUTABLE "
                            "AS $$ SELECT $1 LIKE '%@%' $$;\nCREATE OR REPLACE FUNCTION valid_email(text) RETURNS "
                            "boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$;\n", FUNCTION, "CHECK"),
    },
}

# What narrows nothing, on the same objects: the control must pass --ci.
CONTROL = {
    "policy": """ALTER POLICY users_all ON users USING ('t'::bool);
ALTER POLICY users_admin ON users TO admin, auditor;
ALTER POLICY users_all ON users RENAME TO users_everyone;
CREATE POLICY users_support ON users TO support USING (id > 100);
""",
    "view": """CREATE OR REPLACE VIEW v_things AS SELECT *, qty * 2 AS double_qty FROM things;
CREATE OR REPLACE VIEW v_named AS SELECT id, nm, upper(nm) AS shout FROM things WHERE nm IS NOT NULL ORDER BY id;
""",
    "function": """CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 LIKE '%@%' $$;
CREATE OR REPLACE FUNCTION helper(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 1 $$;
""",
}


SUITE = shared.Suite(PREAMBLE, INIT, changed_only=True)


def run(binary, tmp, scenario):
    SUITE.expect_caught(binary, tmp, PULL_REQUESTS[scenario], "hide rows or break the application")
    SUITE.expect_clean(binary, tmp, CONTROL[scenario])


if __name__ == "__main__":
    sys.exit(shared.main({name: lambda binary, tmp, name=name: run(binary, tmp, name) for name in PULL_REQUESTS}))
