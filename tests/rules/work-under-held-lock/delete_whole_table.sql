-- pgfence-test: disable=delete-without-where
-- With delete-without-where turned off, this rule reports the work under the held lock itself.
-- Drop the session cookie column and clear the sessions in one transaction.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE sessions DROP COLUMN legacy_cookie;
DELETE FROM sessions;
COMMIT;
