-- Drop the session cookie column and clear the sessions in one transaction.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE sessions DROP COLUMN legacy_cookie;
DELETE FROM sessions;
COMMIT;
