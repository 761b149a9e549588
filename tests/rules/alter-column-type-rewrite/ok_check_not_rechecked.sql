-- pgfence-test: schema=checks.schema
-- No CHECK names bio; note's CHECK is NOT VALID, so it comes back NOT VALID and reads no row.
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN bio TYPE text;
ALTER TABLE accounts ALTER COLUMN note TYPE varchar(80);
