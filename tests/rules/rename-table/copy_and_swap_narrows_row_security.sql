-- pgfence-test: schema=keeps.schema path=migrations/V0003.Documents.up.sql
-- A copy-and-swap of a table with row-level security, forced, and two policies, whose new table
-- enables row-level security and makes the permissive policy again (under another name), but not
-- FORCE (the owner reads every row) nor the restrictive policy (the rows it held back are shown;
-- red team R72 F4, checked on PostgreSQL 15: relforcerowsecurity false, one policy).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE documents RENAME TO _bkp_documents;
CREATE TABLE documents (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, body text);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON documents USING (tenant_id = current_setting('app.tenant')::bigint);
GRANT SELECT, INSERT ON documents TO app;
ALTER TABLE _bkp_documents NO FORCE ROW LEVEL SECURITY;
INSERT INTO documents (id, tenant_id, body) SELECT id, tenant_id, body FROM _bkp_documents;
DROP TABLE _bkp_documents;
COMMIT;
