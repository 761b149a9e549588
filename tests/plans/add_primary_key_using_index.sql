-- path: db/migrations/000052_audit_log_pk.up.sql
CREATE TABLE audit_log (
    tenant_id integer NOT NULL,
    event_no bigint NOT NULL,
    action text NOT NULL,
    detail jsonb,
    recorded_at timestamptz
);
-- migration
ALTER TABLE audit_log ADD PRIMARY KEY (tenant_id, event_no);
