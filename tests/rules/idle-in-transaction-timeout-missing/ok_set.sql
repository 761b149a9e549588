-- pgfence-test: enable=idle-in-transaction-timeout-missing
SET idle_in_transaction_session_timeout = '10s';
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
