"""Data lost without a blocking lock (issue #53 item 6), on the real binary: pull requests on a real
git repository whose migration deletes data in ways that do not read as a DROP COLUMN or a DELETE
without WHERE. Each must fail `pgfence analyze --ci` (a HIGH or CRITICAL finding of the named rule);
the control, the same shapes aimed at nothing that existed, must pass. Statements outside the
lock model (ALTER SYSTEM, LOAD, SECURITY LABEL, REASSIGN OWNED) are counted unknown.

    test_data_loss.py SCENARIO --binary PGFENCE
"""
import subprocess
import sys

import schema_pull_requests as shared
from schema_pull_requests import analyze_report, check, findings_in


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"

# The schema the main branch's earlier migrations built.
INIT = """CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE users (id bigint PRIMARY KEY, email citext NOT NULL, mood mood, karma posint);
CREATE TABLE accounts (id bigint PRIMARY KEY, user_id bigint NOT NULL, balance bigint NOT NULL);
CREATE TABLE payments (id bigint PRIMARY KEY, user_id bigint NOT NULL);
CREATE POLICY payments_owner ON payments USING (user_id = current_setting('app.user_id')::bigint);
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
CREATE TYPE unused_kind AS ENUM ('a');
CREATE COLLATION german (provider = icu, locale = 'de-DE');
CREATE TABLE contacts (id bigint PRIMARY KEY, name text COLLATE german);
CREATE SEQUENCE invoice_numbers;
CREATE FUNCTION next_invoice() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('invoice_numbers') $$;
CREATE TABLE invoices (id bigint PRIMARY KEY DEFAULT nextval('invoice_numbers'), number bigint DEFAULT next_invoice(),
                       user_id bigint NOT NULL REFERENCES users (id));
"""

# name: (the pull request's migration, the rule it must raise, a word its message must hold)
PULL_REQUESTS = {
    "drop_type_cascade": ("DROP TYPE mood CASCADE;\n", "drop-cascade-columns", "users.mood"),
    "drop_domain_cascade": ("DROP DOMAIN posint CASCADE;\n", "drop-cascade-columns", "users.karma"),
    "drop_extension_cascade": ("DROP EXTENSION citext CASCADE;\n", "drop-cascade-columns", "users.email"),
    # CASCADE drops of objects whose dependents pgfence does not track.
    "drop_collation_cascade": ("DROP COLLATION german CASCADE;\n", "drop-cascade-columns", "german"),
    "drop_function_cascade": ("DROP FUNCTION next_invoice() CASCADE;\n", "drop-cascade-columns", "next_invoice"),
    "drop_sequence_cascade": ("DROP SEQUENCE invoice_numbers CASCADE;\n", "drop-cascade-columns", "invoice_numbers"),
    "drop_server_cascade": ("DROP SERVER reporting CASCADE;\n", "drop-cascade-columns", "foreign tables"),
    "drop_operator_cascade": ("DROP OPERATOR === (bigint, bigint) CASCADE;\n", "drop-cascade-columns", "==="),
    "drop_ts_config_cascade": ("DROP TEXT SEARCH CONFIGURATION english_custom CASCADE;\n", "drop-cascade-columns",
                               "generated columns"),
    "drop_pkey_cascade": ("ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;\n", "drop-cascade-columns",
                          "invoices.invoices_user_id_fkey"),
    "set_schema_then_drop": ("CREATE SCHEMA trash;\nALTER TABLE accounts SET SCHEMA trash;\nDROP SCHEMA trash CASCADE;\n",
                             "drop-schema", "trash.accounts"),
    "set_schema_alone": ("ALTER TABLE accounts SET SCHEMA archive;\n", "rename-table", "accounts"),
    "cte_delete": ("WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone;\n", "delete-without-where", "users"),
    "merge_delete": ("MERGE INTO accounts a USING accounts b ON a.id = b.id WHEN MATCHED THEN DELETE;\n",
                     "delete-without-where", "accounts"),
    "where_always_true": ("DELETE FROM accounts WHERE 1 = 1;\n", "delete-without-where", "accounts"),
    "where_same_table": ("DELETE FROM accounts WHERE id IN (SELECT id FROM accounts);\n", "delete-without-where", "accounts"),
    # A WHERE that names no column of the target row holds for every row or for none.
    "where_not_false": ("DELETE FROM users WHERE NOT false;\n", "delete-without-where", "users"),
    "where_exists_constant": ("DELETE FROM accounts WHERE EXISTS (SELECT 1);\n", "delete-without-where", "accounts"),
    "where_scalar_true": ("UPDATE accounts SET balance = 0 WHERE (SELECT true);\n", "update-without-where", "accounts"),
    "where_coalesce": ("DELETE FROM users WHERE coalesce(null, true);\n", "delete-without-where", "users"),
    "where_literal_compare": ("DELETE FROM accounts WHERE 2 > 1;\n", "delete-without-where", "accounts"),
    "where_other_table_only": ("DELETE FROM accounts a USING users u WHERE u.karma IS NULL;\n", "delete-without-where",
                               "accounts"),
    "where_self_compare": ("DELETE FROM users WHERE mood = mood;\n", "delete-without-where", "users"),
    "merge_constant_condition": ("MERGE INTO accounts a USING users u ON true WHEN MATCHED AND 1 = 1 THEN DELETE;\n",
                                 "delete-without-where", "accounts"),
    # Outages without a blocking lock.
    "force_rls_no_policy": ("ALTER TABLE accounts FORCE ROW LEVEL SECURITY;\n", "row-security-without-policy", "accounts"),
    "restrictive_false_policy": ("CREATE POLICY lockout ON accounts AS RESTRICTIVE USING (false);\n",
                                 "row-security-without-policy", "accounts"),
    "policy_altered_false": ("ALTER POLICY payments_owner ON payments USING (1 = 0);\n", "row-security-without-policy",
                             "payments"),
    "false_policy_then_enable": ("CREATE POLICY users_none ON users USING (false);\n"
                                 "ALTER TABLE users ENABLE ROW LEVEL SECURITY;\n", "row-security-without-policy", "users"),
    "terminate_backends": ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid();\n",
                           "terminate-backends", "pg_stat_activity"),
    "terminate_in_called_body": ("CREATE FUNCTION kick_app() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
                                 "  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app';\n"
                                 "END;\n$$;\nSELECT kick_app();\n", "terminate-backends", "kick_app()"),
    "read_only_database": ("ALTER DATABASE app SET default_transaction_read_only = on;\n", "read-only-default", "app"),
    "role_nologin": ("ALTER ROLE app NOLOGIN;\n", "role-login-removed", "app"),
    "database_closed": ("ALTER DATABASE app ALLOW_CONNECTIONS false;\n", "role-login-removed", "app"),
    "database_limit_zero": ("ALTER DATABASE app WITH CONNECTION LIMIT = 0;\n", "role-login-removed", "app"),
    "role_renamed": ("ALTER ROLE app RENAME TO app_legacy;\n", "role-login-removed", "app"),
    "database_renamed": ("ALTER DATABASE app RENAME TO app_archive;\n", "role-login-removed", "app"),
    "role_statement_timeout": ("ALTER ROLE app SET statement_timeout = 1;\n", "default-timeout-too-short", "app"),
    "database_statement_timeout": ("ALTER DATABASE app SET statement_timeout TO '10ms';\n", "default-timeout-too-short",
                                   "app"),
    "revoke_public": ("REVOKE ALL ON SCHEMA public FROM PUBLIC;\n", "revoke-privileges", "PUBLIC"),
    "drop_role": ("DROP ROLE app;\n", "drop-role", "app"),
    "drop_owned": ("DROP OWNED BY app;\n", "drop-role", "app"),
    # A query-rewrite rule changes every later write of the table, the application's included.
    "rule_instead_nothing": ("CREATE RULE keep_users AS ON DELETE TO users DO INSTEAD NOTHING;\n", "create-rule",
                             "silently discarded"),
    "rule_instead_action": ("CREATE RULE frozen_accounts AS ON UPDATE TO accounts DO INSTEAD SELECT 1;\n", "create-rule",
                            "instead of itself"),
    "rule_also_delete": ("CREATE TABLE audit (id bigint);\n"
                         "CREATE OR REPLACE RULE log AS ON INSERT TO accounts DO ALSO DELETE FROM users;\n",
                         "create-rule", "DELETE FROM users"),
    # Indirect execution: a rule's action runs with each UPDATE of the table.
    "rewrite_rule": ("CREATE RULE r AS ON UPDATE TO accounts DO INSTEAD DELETE FROM users;\n"
                     "UPDATE accounts SET balance = 0 WHERE id = 1;\n", "delete-without-where", "rule r on accounts"),
}

# Statements outside the lock model: counted unknown, never "0 unknown".
UNKNOWN = ("ALTER SYSTEM SET work_mem = '64MB';\nLOAD 'auto_explain';\nSECURITY LABEL ON TABLE accounts IS 'secret';\n"
           "REASSIGN OWNED BY app TO admin;\n")

# The same shapes, aimed at what this pull request made or what nothing uses: no finding above MEDIUM.
# (A DELETE on an existing table whose WHERE is not an equality or IN against constants is HIGH "may
# delete every row" since red team E's DELNE: tests/rules/backfill-in-migration/delete_may_empty.sql.)
CONTROL = """CREATE TYPE color AS ENUM ('red');
CREATE TABLE paints (id bigint PRIMARY KEY, color color);
DROP TYPE color CASCADE;
DROP TYPE unused_kind CASCADE;
WITH gone AS (DELETE FROM accounts WHERE balance = 0 RETURNING id) SELECT count(*) FROM gone;
DELETE FROM accounts WHERE 1 = 2;
ALTER DATABASE app SET statement_timeout = '30s';
CREATE POLICY accounts_tenant ON accounts USING (balance >= 0);
CREATE POLICY accounts_none ON accounts USING (false);
ALTER DATABASE app CONNECTION LIMIT 500;
CREATE SEQUENCE batch_numbers;
DROP SEQUENCE batch_numbers CASCADE;
ALTER TABLE accounts DROP CONSTRAINT accounts_balance_check CASCADE;
CREATE FUNCTION maintenance_kick() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'batch';
  REVOKE ALL ON SCHEMA public FROM PUBLIC;
  DELETE FROM users;
END;
$$;
CREATE TABLE ledger (id bigint PRIMARY KEY, amount bigint);
CREATE RULE ledger_append_only AS ON DELETE TO ledger DO INSTEAD NOTHING;
"""


def repository(tmp):
    return shared.repository(tmp, PREAMBLE + INIT)


def pull_request(repo, branch, sql):
    shared.pull_request(repo, branch, PREAMBLE + sql)


def analyze(binary, repo):
    """`pgfence analyze --ci` over the migrations: 001 is the history 002 runs on."""
    code, report = analyze_report(binary, repo)
    init = findings_in(report, "001_init.sql")
    check(all(f["risk"] in ("low", "medium", "LOW", "MEDIUM") for f in init), f"the schema itself has findings: {init}")
    return code, findings_in(report, "002_change.sql")


def scenario_pull_requests(binary, tmp):
    repo = repository(tmp)
    failures = []
    for name, (sql, rule, word) in PULL_REQUESTS.items():
        pull_request(repo, name, sql)
        code, found = analyze(binary, repo)
        hits = [f for f in found if f["rule"] == rule and f["risk"].lower() in ("high", "critical") and word in f["message"]]
        if code != 1 or not hits:
            failures.append(f"{name}: exit {code}, findings {[(f['rule'], f['risk'], f['message'][:120]) for f in found]}")
    check(not failures, "pull requests that delete data passed --ci:\n" + "\n".join(failures))


def scenario_control(binary, tmp):
    repo = repository(tmp)
    pull_request(repo, "control", CONTROL)
    code, found = analyze(binary, repo)
    check(code == 0, f"the control failed --ci: {[(f['rule'], f['risk'], f['message'][:160]) for f in found]}")


def scenario_unknown(binary, tmp):
    repo = repository(tmp)
    pull_request(repo, "unknown", UNKNOWN)
    # unknown-statement is MEDIUM: a policy that signs off at LOW (--max-risk low) must stop them.
    proc = subprocess.run([binary, "analyze", "--no-config", "--ci", "--max-risk", "low", "--format", "text",
                           "migrations/002_change.sql"],
                          cwd=repo, capture_output=True, text=True, timeout=120)
    check(proc.returncode == 1, f"exit {proc.returncode}: statements outside the lock model passed --ci\n{proc.stdout[-600:]}")
    check("4 unknown to the lock model" in proc.stdout, f"summary:\n{proc.stdout[-600:]}")


SCENARIOS = {"pull_requests": scenario_pull_requests, "control": scenario_control, "unknown": scenario_unknown}


if __name__ == "__main__":
    sys.exit(shared.main(SCENARIOS))
