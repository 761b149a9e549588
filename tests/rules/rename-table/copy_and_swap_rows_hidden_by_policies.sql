-- pgfence-test: schema=keeps.schema path=migrations/V0003.Swap.up.sql
-- A copy-and-swap of a table whose row-level security is forced: its policies filter even what
-- its owner reads, so the copy takes only the rows the migration's role may see, and the others
-- go with the aside table. Not a copy of every row: the rename and the DROP are HIGH.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE documents RENAME TO _bkp_documents;
CREATE TABLE documents (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, body text);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON documents USING (tenant_id = current_setting('app.tenant')::bigint);
CREATE POLICY app_only ON documents AS RESTRICTIVE TO app USING (current_user = 'app');
GRANT SELECT, INSERT ON documents TO app;
INSERT INTO documents (id, tenant_id, body) SELECT id, tenant_id, body FROM _bkp_documents;
DROP TABLE _bkp_documents;
COMMIT;
