-- pgfence-test: enable=suppression-missing-owner
SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- reason="users has 40 rows" owner=@acme/db-team
CREATE INDEX users_email_idx ON users (email);
-- pgfence-ignore: create-index-without-concurrently -- users has 40 rows owner=@alice until=2027-01-01
CREATE INDEX users_name_idx ON users (name);
