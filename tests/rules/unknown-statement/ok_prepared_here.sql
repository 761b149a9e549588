-- A transaction prepared in this file and then committed: pgfence saw what it did.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
PREPARE TRANSACTION 'deploy_43';
COMMIT PREPARED 'deploy_43';
