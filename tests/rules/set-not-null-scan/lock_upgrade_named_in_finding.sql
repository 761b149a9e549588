-- Django data migration and schema change in one atomic migration.
SET lock_timeout = '2s';
BEGIN;
DELETE FROM sessions WHERE user_id IS NULL;
ALTER TABLE sessions ALTER COLUMN user_id SET NOT NULL;
COMMIT;
