-- A read, then an UPDATE, of one table: ROW EXCLUSIVE waits for no reader or writer (it
-- conflicts only with SHARE and stronger, which application traffic does not take).
SET lock_timeout = '2s';
BEGIN;
INSERT INTO audit_events (kind, payload) SELECT 'plan', to_jsonb(p) FROM plans p WHERE p.id < 100;
UPDATE plans SET archived = true WHERE id < 100;
COMMIT;
