-- pgfence-test: schema=accounts.schema
-- The same, with the table locked before the DELETE: no row can arrive before the ADD COLUMN,
-- which then succeeds on an empty table.
BEGIN;
SET lock_timeout = '2s';
LOCK TABLE password_reset_request IN ACCESS EXCLUSIVE MODE;
DELETE FROM password_reset_request;
ALTER TABLE password_reset_request DROP COLUMN user_id;
ALTER TABLE password_reset_request ADD COLUMN local_user_id integer NOT NULL REFERENCES local_user (id) ON UPDATE CASCADE ON DELETE CASCADE;
COMMIT;
