-- A read, then a plain CREATE INDEX: SHARE waits for every writer of plans while the read's
-- ACCESS SHARE stays held. The upgrade (lock-upgrade-in-transaction, MEDIUM) is a clause of the
-- index build's finding: one finding for the statement.
SET lock_timeout = '2s';
BEGIN;
INSERT INTO audit_events (kind, payload) SELECT 'plan', to_jsonb(p) FROM plans p;
CREATE INDEX plans_archived_idx ON plans (archived);
COMMIT;
