-- A bounded UPDATE is not a whole-table backfill.
BEGIN;
ALTER TABLE users ADD COLUMN locale text;
UPDATE users SET locale = 'en' WHERE id = 1;
COMMIT;
