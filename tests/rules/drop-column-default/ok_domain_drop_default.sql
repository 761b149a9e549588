-- pgfence-test: schema=domain.schema
-- DROP DEFAULT of a domain column with no default of its own: the domain's default still applies;
-- a domain without constraints (pgfence is quiet where its column had no default).
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN status DROP DEFAULT;
ALTER TABLE accounts ALTER COLUMN label SET DEFAULT NULL;
