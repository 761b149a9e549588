-- pgfence-test: schema=functions.schema
-- random_code() inlines too, into md5(random()::text): random() is evaluated per row, a rewrite.
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN code text DEFAULT random_code();
