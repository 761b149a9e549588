SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- users has 40 rows
CREATE INDEX users_email_idx ON users (email);
