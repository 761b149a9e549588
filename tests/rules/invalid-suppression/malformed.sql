SET lock_timeout = '2s';
-- pgfence-ignore: create-index-without-concurrently -- reason="40 rows" owner=@alice until=2026-13-45
CREATE INDEX users_email_idx ON users (email);
-- pgfence-ignore: create-index-without-concurrently -- reason="40 rows" expires=2026-12-01
CREATE INDEX users_name_idx ON users (name);
-- pgfence-ignore: create-index-without-concurrently -- owner=alice reason="unclosed
CREATE INDEX users_age_idx ON users (age);
-- pgfence-ignore: create-index-without-concurrently -- small table untill=2027-01-01
CREATE INDEX users_city_idx ON users (city);
