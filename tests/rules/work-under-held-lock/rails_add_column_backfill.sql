-- pgfence-test: disable=update-without-where
-- With update-without-where turned off, this rule reports the work under the held lock itself.
-- Rails data migration: add the column and backfill it in one (implicit) transaction.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN display_name character varying;
UPDATE users SET display_name = first_name || ' ' || last_name;
COMMIT;
