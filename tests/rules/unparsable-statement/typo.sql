SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN;
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
