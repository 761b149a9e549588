-- pgfence-test: schema=accounts.schema
-- Rows written again after the DELETE: the ADD COLUMN fails as it would on the old rows.
BEGIN;
SET lock_timeout = '2s';
LOCK TABLE password_reset_request IN ACCESS EXCLUSIVE MODE;
DELETE FROM password_reset_request;
INSERT INTO password_reset_request (user_id, token_encrypted) SELECT id, md5(name) FROM local_user;
ALTER TABLE password_reset_request ADD COLUMN local_user_id integer NOT NULL;
COMMIT;
