-- pgfence-test: schema=rls.schema path=migrations/V0005.Documents.up.sql
-- A copy-and-swap of a table with row-level security and a policy (red team R69 C11): the new
-- documents has neither, so every tenant reads every row (reported as what the swap loses, red
-- team R72 F4).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE documents RENAME TO _bkp_documents;
CREATE TABLE documents (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, body text);
INSERT INTO documents (id, tenant_id, body) SELECT id, tenant_id, body FROM _bkp_documents;
DROP TABLE _bkp_documents;
COMMIT;
