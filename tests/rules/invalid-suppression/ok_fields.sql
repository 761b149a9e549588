SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- reason="40 rows, \"tiny\"" owner=@acme/db-team until=2028-02-29
CREATE INDEX users_email_idx ON users (email);
-- pgfence-ignore: create-index-without-concurrently -- rows=40 in production, a=b is free text here
CREATE INDEX users_name_idx ON users (name);
-- pgfence-ignore: create-index-without-concurrently -- 40 rows owner=@bob
CREATE INDEX users_age_idx ON users (age);
