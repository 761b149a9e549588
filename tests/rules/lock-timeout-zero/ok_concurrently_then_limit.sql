SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
