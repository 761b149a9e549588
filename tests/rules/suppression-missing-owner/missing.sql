-- pgfence-test: enable=suppression-missing-owner
SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- users has 40 rows
CREATE INDEX users_email_idx ON users (email);
-- pgfence-ignore: create-index-without-concurrently -- owner=@alice
CREATE INDEX users_name_idx ON users (name);
-- pgfence-ignore
CREATE INDEX users_age_idx ON users (age);
-- pgfence-ignore-file: add-column-volatile-default
ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();
