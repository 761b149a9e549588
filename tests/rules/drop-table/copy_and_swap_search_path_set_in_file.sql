-- pgfence-test: schema=copy.schema
-- A copy-and-swap after this file gave a role a search_path of its own (red team R77 S3): the
-- connection a runner or pool hands the rest of the file may have it, and find another schema's
-- type of a pg_catalog type's name first. No proof holds; the DROP deletes what was not kept (HIGH).
SET lock_timeout = '2s';
ALTER ROLE app SET search_path = public, pg_catalog;
BEGIN;
ALTER TABLE accounts RENAME TO _bkp_accounts;
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts (id, name) SELECT id, name FROM _bkp_accounts;
DROP TABLE _bkp_accounts;
COMMIT;
