"""HIGH harm with no lock to show it, on objects the main branch's earlier migrations made (issue "what
pgfence cannot see is never clean"): a pull request on a real git repository changes an owner, turns
row security off, drops a policy or a publication, or calls a server function that stops others'
work or deletes data. Each must fail `pgfence analyze --ci --changed-since main` (a HIGH or CRITICAL finding of the
named rule whose message names the object), with lock_timeout set so that no lock finding carries
it; the control, the same shapes on objects the pull request itself made, must pass.

    test_sql_harm.py SCENARIO --binary PGFENCE
"""
import sys

import schema_pull_requests as shared


PREAMBLE = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"

# The schema the main branch's earlier migrations built (and a later one that changes it).
INIT = """CREATE SCHEMA billing;
CREATE TABLE billing.accounts (id bigint PRIMARY KEY, tenant bigint NOT NULL, balance bigint NOT NULL);
CREATE VIEW billing.balances AS SELECT id, balance FROM billing.accounts;
CREATE SEQUENCE billing.invoice_numbers;
CREATE TABLE documents (id bigint PRIMARY KEY, tenant bigint NOT NULL, body text);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY documents_tenant ON documents USING (tenant = current_setting('app.tenant')::bigint);
CREATE POLICY documents_not_archived ON documents AS RESTRICTIVE USING (body IS NOT NULL);
CREATE FUNCTION documents_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NULL;
END;
$$;
"""

# scenario: {name: (the pull request's migration, the rule it must raise, a word its message must hold)}
PULL_REQUESTS = {
    "owner": {
        "table_owner": ("ALTER TABLE billing.accounts OWNER TO admin;\n", "revoke-privileges", "billing.accounts"),
        "view_owner": ("ALTER VIEW billing.balances OWNER TO admin;\n", "revoke-privileges", "billing.balances"),
        "sequence_owner": ("ALTER SEQUENCE billing.invoice_numbers OWNER TO admin;\n", "revoke-privileges",
                           "invoice_numbers"),
        "schema_owner": ("ALTER SCHEMA billing OWNER TO admin;\n", "revoke-privileges", "billing"),
        "untracked_owner": ("ALTER TABLE audit_log OWNER TO admin;\n", "revoke-privileges", "audit_log"),
        "reassign_owned": ("REASSIGN OWNED BY app TO admin;\n", "revoke-privileges", "app"),
        "drop_owned": ("DROP OWNED BY app;\n", "drop-role", "app"),
    },
    "row_security": {
        "disable": ("ALTER TABLE documents DISABLE ROW LEVEL SECURITY;\n", "row-security-without-policy", "documents"),
        "no_force": ("ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;\n", "row-security-without-policy", "owner"),
        "untracked_disable": ("ALTER TABLE payroll DISABLE ROW LEVEL SECURITY;\n", "row-security-without-policy",
                              "payroll"),
        "drop_permissive": ("DROP POLICY documents_tenant ON documents;\n", "row-security-without-policy", "permissive"),
        "drop_restrictive": ("DROP POLICY documents_not_archived ON documents;\n", "row-security-without-policy",
                             "restrictive"),
        "drop_untracked_policy": ("DROP POLICY payroll_self ON payroll;\n", "row-security-without-policy", "payroll_self"),
    },
    "trigger": {
        "earlier_function_returns_null": ("CREATE TRIGGER guard BEFORE INSERT ON documents FOR EACH ROW "
                                          "EXECUTE FUNCTION documents_guard();\n", "create-trigger", "returns NULL"),
    },
    "replication": {
        "drop_publication": ("DROP PUBLICATION app_changes;\n", "replication-stopped", "app_changes"),
        "publication_drop_table": ("ALTER PUBLICATION app_changes DROP TABLE documents;\n", "replication-stopped",
                                   "app_changes"),
        "publication_publish": ("ALTER PUBLICATION app_changes SET (publish = 'insert');\n", "replication-stopped",
                                "publish"),
        "drop_subscription": ("DROP SUBSCRIPTION reporting;\n", "replication-stopped", "slot"),
        "subscription_disable": ("ALTER SUBSCRIPTION reporting DISABLE;\n", "replication-stopped", "reporting"),
        "drop_slot_in_select": ("SELECT slot_name, pg_drop_replication_slot(slot_name) FROM pg_replication_slots;\n",
                                "replication-stopped", "pg_drop_replication_slot"),
        "drop_slot_in_do": ("DO $$\nBEGIN\n  PERFORM pg_drop_replication_slot('debezium');\nEND;\n$$;\n",
                            "replication-stopped", "pg_drop_replication_slot"),
        # Other server functions that reach past the migration: large objects deleted.
        "lo_unlink_in_select": ("SELECT lo_unlink(id) FROM documents;\n", "terminate-backends", "lo_unlink"),
    },
}

# The same shapes on objects the pull request makes first: nothing above MEDIUM.
CONTROL = {
    "owner": """CREATE SCHEMA reporting;
ALTER SCHEMA reporting OWNER TO reporter;
CREATE TABLE reporting.snapshots (id bigint PRIMARY KEY);
ALTER TABLE reporting.snapshots OWNER TO reporter;
CREATE SEQUENCE reporting.snapshot_ids;
ALTER SEQUENCE reporting.snapshot_ids OWNER TO reporter;
""",
    "trigger": """CREATE TABLE drafts (id bigint PRIMARY KEY);
CREATE TRIGGER guard BEFORE INSERT ON drafts FOR EACH ROW EXECUTE FUNCTION documents_guard();
""",
    "replication": """CREATE PUBLICATION audit_changes FOR TABLE documents;
ALTER PUBLICATION audit_changes SET (publish = 'insert');
DROP PUBLICATION audit_changes;
SELECT slot_name, active FROM pg_replication_slots;
""",
    # Row security never turned on for billing.accounts, and a table the pull request makes.
    "row_security": """CREATE POLICY accounts_tenant ON billing.accounts USING (tenant = 1);
DROP POLICY accounts_tenant ON billing.accounts;
ALTER TABLE billing.accounts DISABLE ROW LEVEL SECURITY;
CREATE TABLE drafts (id bigint PRIMARY KEY, tenant bigint NOT NULL);
ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY drafts_tenant ON drafts USING (tenant = 1);
DROP POLICY drafts_tenant ON drafts;
ALTER TABLE drafts DISABLE ROW LEVEL SECURITY;
""",
}


SUITE = shared.Suite(PREAMBLE, INIT, changed_only=True)


def run(binary, tmp, scenario):
    SUITE.expect_caught(binary, tmp, PULL_REQUESTS[scenario], "break the application")
    SUITE.expect_clean(binary, tmp, CONTROL[scenario])


if __name__ == "__main__":
    sys.exit(shared.main({name: lambda binary, tmp, name=name: run(binary, tmp, name) for name in PULL_REQUESTS}))
