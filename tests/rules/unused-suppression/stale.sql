SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- the index was made concurrent later
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
-- pgfence-ignore: no-such-rule
ALTER TABLE users ADD COLUMN nickname text;
