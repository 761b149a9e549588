-- Run with: psql -v audit_tablespace=fast_ssd -f this file. pgfence's parser cannot read the psql
-- variable, but the table is still created by this migration, so its index blocks nobody.
CREATE TABLE IF NOT EXISTS "audit"."audit_events" (
    id bigserial PRIMARY KEY,
    actor_id bigint NOT NULL,
    action text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
) TABLESPACE :audit_tablespace;

CREATE INDEX audit_events_actor_id_idx ON audit.audit_events (actor_id);
CREATE UNIQUE INDEX "audit_events_action_created_at_key" ON audit.audit_events (action, created_at);
