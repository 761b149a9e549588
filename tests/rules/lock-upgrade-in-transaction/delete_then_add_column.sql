-- A data clean-up, then a column, in one atomic migration: the DELETE's ROW EXCLUSIVE lock is
-- upgraded to ACCESS EXCLUSIVE by the ALTER TABLE, which has no finding of its own.
SET lock_timeout = '2s';
BEGIN;
DELETE FROM sessions WHERE user_id IS NULL;
ALTER TABLE sessions ADD COLUMN revoked_at timestamptz;
COMMIT;
