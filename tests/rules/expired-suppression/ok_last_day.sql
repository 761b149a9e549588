-- pgfence-test: today=2026-12-01
SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- reason="users has 40 rows" owner=@alice until=2026-12-01
CREATE INDEX users_email_idx ON users (email);
