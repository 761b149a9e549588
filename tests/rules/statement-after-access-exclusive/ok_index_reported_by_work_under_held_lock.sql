SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
SET LOCAL statement_timeout = '5min';
CREATE INDEX users_created_at_idx ON accounts (created_at);
UPDATE accounts SET flag = true WHERE id < 1000;
COMMIT;
