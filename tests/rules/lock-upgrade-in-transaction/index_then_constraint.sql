SET lock_timeout = '2s';
BEGIN;
CREATE UNIQUE INDEX index_users_on_email ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX index_users_on_email;
COMMIT;
