"""What a pull request's migration really changes of the objects earlier migrations made (red team c,
sections 1, 11 and 19), on the real binary: pull requests on a real git repository, analysed as
one migration set (`analyze --ci --max-risk low migrations`), so the earlier file is the history.

- new_table: a table counts as the migration's own only when its CREATE certainly ran and made
  that very table: a CREATE in another schema, under another search_path, in a branch or in a
  block that catches its failure leaves the earlier table what the name stands for.
- declare_default: a PL/pgSQL variable's DEFAULT runs its calls when the block starts.
- function_callers: a function created, replaced or altered under a name that an existing
  operator, cast, policy, domain DEFAULT or trigger function calls is judged where they run it,
  or reported unknown.
- control: the same shapes on the pull request's own objects pass `--ci`.

    test_catalog_identity.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n"

INIT = """CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(200) NOT NULL, name text);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE audit_log (at timestamptz, msg text);
CREATE FUNCTION norm_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$;
CREATE TRIGGER norm_email BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION norm_email();
CREATE FUNCTION eqfn(a int, b int) RETURNS bool LANGUAGE sql AS 'SELECT a = b';
CREATE OPERATOR === (leftarg = int, rightarg = int, function = eqfn);
CREATE TYPE cents AS (v int);
CREATE FUNCTION to_cents(t text) RETURNS cents LANGUAGE sql AS 'SELECT ROW(t::int)::cents';
CREATE CAST (text AS cents) WITH FUNCTION to_cents(text);
CREATE FUNCTION can_see(uid bigint) RETURNS bool LANGUAGE sql AS 'SELECT true';
CREATE POLICY users_fn ON users AS RESTRICTIVE USING (can_see(id));
CREATE FUNCTION next_ref() RETURNS text LANGUAGE sql AS $$ SELECT 'r' || floor(random() * 1000)::text $$;
CREATE DOMAIN ref_code AS text DEFAULT next_ref();
CREATE TABLE tickets (id bigserial PRIMARY KEY, ref ref_code);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, ref integer NOT NULL, note text);
CREATE TABLE public.invoices (id bigint PRIMARY KEY, ref varchar(10) NOT NULL, note text NOT NULL);
"""

DELETE_BODY = "$$ BEGIN DELETE FROM orders; RETURN {}; END $$"

# name: (the pull request's migration, the rule it must raise, a word its message must hold)
PULL_REQUESTS = {
    "new_table": {
        "other_schema": ("CREATE SCHEMA staging;\nCREATE TABLE staging.orders (id int);\nDROP TABLE orders;\n",
                         "drop-table", "orders"),
        "other_schema_truncate": ("CREATE SCHEMA staging;\nCREATE TABLE staging.users (id int, email text);\n"
                                  "TRUNCATE users CASCADE;\n", "truncate-cascade", "users"),
        "search_path": ("CREATE SCHEMA staging;\nSET search_path = staging, public;\nCREATE TABLE orders (id int);\n"
                        "SET search_path = public;\nDROP TABLE orders;\n", "drop-table", "orders"),
        "caught_create": ("DO $$ BEGIN CREATE TABLE users (id int); EXCEPTION WHEN duplicate_table THEN NULL; END $$;\n"
                          "DROP TABLE users CASCADE;\n", "drop-table", "users"),
        "if_not_exists_block": ("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_tables WHERE tablename = 'orders') THEN "
                                "CREATE TABLE orders (id int); END IF; END $$;\nDROP TABLE orders;\n", "drop-table", "orders"),
        "if_false": ("DO $$ BEGIN IF false THEN CREATE TABLE audit_log (id int); END IF; END $$;\nDROP TABLE audit_log;\n",
                     "drop-table", "audit_log"),
    },
    # Red team R67 A16: two tables of one relname in two schemas; the statement naming billing's is
    # judged on billing's columns, not on public's made after it (PostgreSQL 15 rewrote, then
    # scanned billing.invoices).
    "same_relname": {
        "type": ("ALTER TABLE billing.invoices ALTER COLUMN ref TYPE text;\n", "alter-column-type-rewrite", "billing.invoices"),
        "not_null": ("ALTER TABLE billing.invoices ALTER COLUMN note SET NOT NULL;\n", "set-not-null-scan", "note"),
    },
    "declare_default": {
        "delete": ("CREATE FUNCTION zap() RETURNS int LANGUAGE sql AS 'DELETE FROM orders RETURNING 1';\n"
                   "DO $$ DECLARE v int := zap(); BEGIN NULL; END $$;\n", "delete-without-where", "orders"),
        "in_function": ("CREATE FUNCTION zap() RETURNS int LANGUAGE sql AS 'DELETE FROM orders RETURNING 1';\n"
                        "CREATE FUNCTION report() RETURNS void LANGUAGE plpgsql AS $$\nDECLARE\n  n int DEFAULT zap();\n"
                        "BEGIN\n  RAISE NOTICE 'report';\nEND $$;\nSELECT report();\n", "delete-without-where", "orders"),
        "setval": ("DO $$ DECLARE s bigint := setval('users_id_seq', 1); BEGIN NULL; END $$;\n", "sequence-reset",
                   "users_id_seq"),
        "dblink_exec": ("DO $$ DECLARE s text := dblink_exec('dbname=app', 'DROP TABLE orders'); BEGIN NULL; END $$;\n",
                        "unknown-statement", ""),
    },
    "function_callers": {
        "operator": ("CREATE OR REPLACE FUNCTION eqfn(a int, b int) RETURNS bool LANGUAGE plpgsql AS "
                     + DELETE_BODY.format("a = b") + ";\n", "delete-without-where", "orders"),
        "cast": ("CREATE OR REPLACE FUNCTION to_cents(t text) RETURNS cents LANGUAGE plpgsql AS "
                 + DELETE_BODY.format("ROW(1)::cents") + ";\n", "delete-without-where", "orders"),
        "policy": ("CREATE OR REPLACE FUNCTION can_see(uid bigint) RETURNS bool LANGUAGE plpgsql AS "
                   + DELETE_BODY.format("true") + ";\n", "delete-without-where", "orders"),
        "domain_default": ("CREATE OR REPLACE FUNCTION next_ref() RETURNS text LANGUAGE plpgsql AS "
                           + DELETE_BODY.format("'r'") + ";\n", "delete-without-where", "orders"),
        "overload": ("CREATE FUNCTION public.lower(t varchar) RETURNS text LANGUAGE plpgsql AS "
                     + DELETE_BODY.format("pg_catalog.lower(t)") + ";\n", "delete-without-where", "orders"),
        "search_path": ("CREATE SCHEMA shadow;\nCREATE FUNCTION shadow.lower(t text) RETURNS text LANGUAGE sql AS 'SELECT t';\n"
                        "ALTER FUNCTION norm_email() SET search_path = shadow, pg_catalog, public;\n",
                        "unknown-statement", ""),
    },
}

# The same shapes on what the pull request made itself: --ci passes.
CONTROL = """CREATE SCHEMA staging;
CREATE TABLE staging.import_tmp (id bigint);
DROP TABLE staging.import_tmp;
DO $$ BEGIN IF true THEN CREATE TABLE branch_tmp (id int); DROP TABLE branch_tmp; END IF; END $$;
DO $$ DECLARE v int := 1; w text DEFAULT upper('x'); BEGIN NULL; END $$;
CREATE FUNCTION report_total() RETURNS numeric LANGUAGE sql AS 'SELECT coalesce(sum(total), 0) FROM orders';
ALTER FUNCTION norm_email() COST 10;
CREATE OR REPLACE FUNCTION can_see(uid bigint) RETURNS bool LANGUAGE sql AS 'SELECT true';
ALTER TABLE invoices ALTER COLUMN ref TYPE text;
"""


SUITE = shared.Suite(PREAMBLE, INIT)


def run_pull_requests(binary, tmp, group):
    SUITE.expect_caught(binary, tmp, PULL_REQUESTS[group], "act on another object than they name", ("--max-risk", "low"))


def scenario_control(binary, tmp):
    SUITE.expect_clean(binary, tmp, CONTROL)


SCENARIOS = {group: (lambda g: lambda binary, tmp: run_pull_requests(binary, tmp, g))(group) for group in PULL_REQUESTS}
SCENARIOS["control"] = scenario_control


if __name__ == "__main__":
    sys.exit(shared.main(SCENARIOS))
