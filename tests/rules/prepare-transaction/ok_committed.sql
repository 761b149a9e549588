-- The same change committed; and PREPARE TRANSACTION outside a transaction block, which only warns.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
PREPARE TRANSACTION 'nothing_open';
