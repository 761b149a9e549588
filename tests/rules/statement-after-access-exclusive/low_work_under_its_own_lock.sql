-- pgfence-test: schema=shop.schema
-- A rename, then a NOT NULL whose scan holds the table's ACCESS EXCLUSIVE lock by itself:
-- the rename's lock adds moments to it (set-not-null-scan reports the scan).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME COLUMN email TO email_address;
ALTER TABLE users ADD COLUMN locale text;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
COMMIT;
