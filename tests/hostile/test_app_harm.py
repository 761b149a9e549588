"""Harm to the running application without a blocking lock (red team c, sections 2-6, 18, 22), on the
real binary: pull requests on a real git repository (built with the git CLI) whose migration leaves
every table, row and lock alone and still breaks or silently changes what the deployed release does:
role and database defaults, publications of tables without a replica identity, sequence bounds,
dropped column defaults, BEFORE triggers that overwrite the row, views renamed, moved or emptied;
(red team F1) constraints and defaults no new row meets, row security under policies that grant no
read, a schema named after a role, a text search configuration changed. Each must fail `pgfence analyze --ci` with a HIGH finding of the named rule, which needs the
schema the earlier migration built (history); the control, the same shapes aimed at what the pull
request made itself or at harmless values, must pass.

    test_app_harm.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"

# The schema the main branch's earlier migration built.
INIT = """CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, plan text DEFAULT 'free',
                    active boolean NOT NULL DEFAULT true);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total int);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE audit_log (at timestamptz NOT NULL DEFAULT now(), what text);
CREATE SEQUENCE ticket_numbers;
CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE things (id bigserial PRIMARY KEY, qty posint, nm text);
CREATE TEXT SEARCH CONFIGURATION myts (COPY = english);
CREATE INDEX things_ts ON things USING gin (to_tsvector('myts'::regconfig, nm));
"""

# name: (the pull request's migration, the rule it must raise, a word its message must hold)
PULL_REQUESTS = {
    # Section 3: role and database defaults every later session of the application starts with.
    "role_search_path": ("ALTER ROLE app SET search_path = nowhere;\n", "harmful-session-default", "nowhere"),
    "all_roles_search_path": ("ALTER ROLE ALL SET search_path = nowhere;\n", "harmful-session-default", "every role"),
    "database_search_path": ("ALTER DATABASE app SET search_path TO tenant_1;\n", "harmful-session-default", "tenant_1"),
    "role_row_security_off": ("ALTER ROLE app SET row_security = off;\n", "harmful-session-default", "row-level security"),
    "role_replica": ("ALTER ROLE app IN DATABASE app SET session_replication_role = replica;\n",
                     "harmful-session-default", "foreign key"),
    "role_idle_session_timeout": ("ALTER ROLE app SET idle_session_timeout = 1;\n", "default-timeout-too-short",
                                  "idle_session_timeout"),
    "role_lock_timeout": ("ALTER ROLE app SET lock_timeout = '10ms';\n", "default-timeout-too-short", "lock_timeout"),
    # Section 2: UPDATE and DELETE of a table without a replica identity, once published.
    "publication_all_tables": ("CREATE PUBLICATION everything FOR ALL TABLES;\n", "replica-identity-missing", "audit_log"),
    "publication_of_table": ("CREATE PUBLICATION audit FOR TABLE audit_log;\n", "replica-identity-missing", "audit_log"),
    "replica_identity_nothing": ("ALTER TABLE users REPLICA IDENTITY NOTHING;\n", "replica-identity-missing", "users"),
    # Section 4: a bound on a sequence in use.
    "sequence_maxvalue": ("ALTER SEQUENCE users_id_seq MAXVALUE 2;\n", "sequence-limit-lowered", "users_id_seq"),
    "sequence_as_smallint": ("ALTER SEQUENCE ticket_numbers AS smallint;\n", "sequence-limit-lowered", "ticket_numbers"),
    "identity_maxvalue": ("ALTER TABLE tickets ALTER COLUMN id SET MAXVALUE 1000;\n", "sequence-limit-lowered", "tickets"),
    # Section 6: the key's default, which every insert of the application relies on.
    "drop_key_default": ("ALTER TABLE users ALTER COLUMN id DROP DEFAULT;\n", "drop-column-default", "NOT NULL"),
    "drop_flag_default": ("ALTER TABLE users ALTER COLUMN active DROP DEFAULT;\n", "drop-column-default", "active"),
    # Section 18: a BEFORE trigger that throws the application's values away on every write.
    "trigger_overwrites_new": ("CREATE FUNCTION zap() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.plan := 'free';\n"
                               "  NEW.email := '';\n  RETURN NEW;\nEND;\n$$;\n"
                               "CREATE TRIGGER zap BEFORE UPDATE OR INSERT ON users FOR EACH ROW EXECUTE FUNCTION zap();\n",
                               "create-trigger", "NEW.email := ''"),
    # Section 22: the view the application reads, renamed, moved or emptied.
    "view_renamed": ("ALTER VIEW active_users RENAME TO active_users_v1;\n", "rename-view", "active_users"),
    "view_moved": ("CREATE SCHEMA archive;\nALTER VIEW active_users SET SCHEMA archive;\n", "rename-view", "active_users"),
    "view_column_renamed": ("ALTER VIEW active_users RENAME COLUMN email TO mail;\n", "rename-view", "email"),
    "view_dropped_and_emptied": ("DROP VIEW active_users;\nCREATE VIEW active_users AS SELECT id, email FROM users WHERE 1 = 0;\n",
                                 "view-returns-no-rows", "active_users"),
    # Red team F1 5, 6, 8, 9, 13, 15: every later insert fails, rows hidden, names shadowed, searches changed.
    "check_never_not_valid": ("ALTER TABLE orders ADD CONSTRAINT orders_never CHECK (total < 0 AND total > 0) NOT VALID;\n",
                              "constraint-rejects-inserts", "total"),
    "check_false_not_valid": ("ALTER TABLE orders ADD CONSTRAINT orders_never CHECK (false) NOT VALID;\n",
                              "constraint-rejects-inserts", "always false"),
    "fk_to_empty_table": ("CREATE TABLE blocked (id bigint PRIMARY KEY);\nALTER TABLE orders ADD CONSTRAINT orders_blocked "
                          "FOREIGN KEY (user_id) REFERENCES blocked (id) NOT VALID;\n", "constraint-rejects-inserts", "blocked"),
    "domain_check_false": ("ALTER DOMAIN posint ADD CONSTRAINT posint_never CHECK (false) NOT VALID;\n",
                           "constraint-rejects-inserts", "posint"),
    "unique_constant_key": ("CREATE UNIQUE INDEX orders_one_more ON orders ((1)) WHERE id > 2;\n",
                            "constraint-rejects-inserts", "read no column"),
    "default_divides_by_zero": ("ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1/0;\n", "default-breaks-inserts",
                                "division by zero"),
    "default_against_domain": ("ALTER TABLE things ALTER COLUMN qty SET DEFAULT 0;\n", "default-breaks-inserts", "posint"),
    "row_security_insert_policy": ("CREATE POLICY orders_ins ON orders FOR INSERT WITH CHECK (true);\n"
                                   "ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\n", "row-security-without-policy", "orders_ins"),
    "row_security_postgres_policy": ("CREATE POLICY orders_pg ON orders TO postgres USING (true);\n"
                                     "ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\n", "row-security-without-policy", "orders_pg"),
    "schema_named_after_role": ("CREATE SCHEMA app;\nGRANT USAGE ON SCHEMA app TO app;\n"
                                "CREATE TABLE app.orders (id bigserial PRIMARY KEY, user_id bigint, total int);\n",
                                "schema-shadows-role-path", "app"),
    "schema_authorization": ("CREATE SCHEMA AUTHORIZATION app;\n", "schema-shadows-role-path", "app"),
    "text_search_mapping": ("ALTER TEXT SEARCH CONFIGURATION myts DROP MAPPING FOR asciiword, word;\n",
                            "text-search-config-changed", "myts"),
    "view_emptied": ("CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE false;\n",
                     "view-returns-no-rows", "active_users"),
}

# The same shapes, aimed at what this pull request made or at harmless values: nothing above MEDIUM.
CONTROL = """SET search_path = public;
ALTER ROLE app SET work_mem = '64MB';
ALTER ROLE app SET row_security = on;
ALTER ROLE app SET lock_timeout = '5s';
CREATE SEQUENCE batch_numbers;
ALTER SEQUENCE batch_numbers MAXVALUE 1000;
ALTER SEQUENCE ticket_numbers NO MAXVALUE;
ALTER TABLE users ALTER COLUMN plan SET DEFAULT 'trial';
CREATE TABLE invoices (id bigserial PRIMARY KEY, status text NOT NULL DEFAULT 'open');
ALTER TABLE invoices ALTER COLUMN status DROP DEFAULT;
CREATE VIEW report AS SELECT id FROM users;
ALTER VIEW report RENAME TO report_v2;
CREATE OR REPLACE VIEW active_users AS SELECT id, email, lower(email) AS email_lc FROM users WHERE active;
CREATE PUBLICATION user_changes FOR TABLE users;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.active := true;
  IF NEW.email IS DISTINCT FROM OLD.email THEN
    NEW.plan := 'unverified';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
CREATE PUBLICATION inserts FOR ALL TABLES WITH (publish = 'insert');
ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0) NOT VALID;
ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;
ALTER TABLE things ALTER COLUMN nm SET DEFAULT 'n-' || md5(random()::text);
CREATE POLICY orders_sel ON orders FOR SELECT USING (true);
CREATE POLICY orders_ins ON orders FOR INSERT WITH CHECK (true);
CREATE POLICY orders_upd ON orders FOR UPDATE USING (true);
CREATE POLICY orders_del ON orders FOR DELETE USING (true);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE SCHEMA reporting;
CREATE TEXT SEARCH CONFIGURATION newts (COPY = english);
ALTER TEXT SEARCH CONFIGURATION newts DROP MAPPING FOR word;
"""


SUITE = shared.Suite(PREAMBLE, INIT, quiet_init=True)


def scenario_pull_requests(binary, tmp):
    SUITE.expect_caught(binary, tmp, PULL_REQUESTS, "break the application")


def scenario_control(binary, tmp):
    SUITE.expect_clean(binary, tmp, CONTROL)


SCENARIOS = {"pull_requests": scenario_pull_requests, "control": scenario_control}


if __name__ == "__main__":
    sys.exit(shared.main(SCENARIOS))
