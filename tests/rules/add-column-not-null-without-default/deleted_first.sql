-- pgfence-test: schema=accounts.schema
-- Reset tokens now belong to local users: the old ones are thrown away, then the table gets its
-- new required column. The DELETE empties it, but until the ALTER TABLE's lock nothing keeps the
-- running release from inserting a token, and then the ADD COLUMN fails.
BEGIN;
SET lock_timeout = '2s';
DELETE FROM password_reset_request;
ALTER TABLE password_reset_request DROP COLUMN user_id;
ALTER TABLE password_reset_request ADD COLUMN local_user_id integer NOT NULL REFERENCES local_user (id) ON UPDATE CASCADE ON DELETE CASCADE;
COMMIT;
