-- pgfence-test: schema=typed.schema
SET lock_timeout = '2s';
-- No table is of type address.
ALTER TYPE address DROP ATTRIBUTE city CASCADE;
