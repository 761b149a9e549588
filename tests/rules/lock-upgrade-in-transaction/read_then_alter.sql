SET lock_timeout = '2s';
BEGIN;
INSERT INTO audit_events (kind, payload) SELECT 'plan', to_jsonb(p) FROM plans p;
ALTER TABLE plans ADD COLUMN archived_at timestamptz;
COMMIT;
