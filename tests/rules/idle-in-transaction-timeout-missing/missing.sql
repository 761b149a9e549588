-- pgfence-test: enable=idle-in-transaction-timeout-missing
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
