-- pgfence-test: schema=keeps.schema path=migrations/V0003.Swap.up.sql
-- The same copy-and-swaps giving each new table what the old one had: every privilege (auditor's
-- on the whole table now), row-level security forced with both policies (other names), the
-- triggers that fired (one under another name, the same function, made after the copy, which a
-- BEFORE trigger could rewrite; one disabled for the copy and enabled again). The old documents'
-- FORCE is lifted for the copy, so its owner reads every row. Nothing is lost (red team R72 F4).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, total int);
INSERT INTO orders (id, total) SELECT id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
GRANT ALL ON orders TO app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON orders FROM app;
GRANT SELECT ON orders TO reporting, auditor;
ALTER TABLE documents RENAME TO _bkp_documents;
CREATE TABLE documents (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, body text);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON documents USING (tenant_id = current_setting('app.tenant')::bigint);
CREATE POLICY app_only ON documents AS RESTRICTIVE TO app USING (current_user = 'app');
GRANT SELECT, INSERT ON documents TO app;
ALTER TABLE _bkp_documents NO FORCE ROW LEVEL SECURITY;
INSERT INTO documents (id, tenant_id, body) SELECT id, tenant_id, body FROM _bkp_documents;
DROP TABLE _bkp_documents;
ALTER TABLE events RENAME TO _bkp_events;
CREATE TABLE events (id bigserial PRIMARY KEY, kind text);
CREATE TRIGGER events_audit AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION audit();
ALTER TABLE events DISABLE TRIGGER events_audit;
INSERT INTO events (id, kind) SELECT id, kind FROM _bkp_events;
ALTER TABLE events ENABLE TRIGGER events_audit;
CREATE TRIGGER events_stamp_v2 BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION stamp();
DROP TABLE _bkp_events;
COMMIT;
