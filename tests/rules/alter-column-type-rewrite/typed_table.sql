-- pgfence-test: schema=typed.schema
SET lock_timeout = '2s';
-- CASCADE changes people.age from integer to bigint: PostgreSQL rewrites people.
ALTER TYPE person ALTER ATTRIBUTE age SET DATA TYPE bigint CASCADE;
-- No typed table of address is known: which tables change is not known (MEDIUM).
ALTER TYPE address ALTER ATTRIBUTE city TYPE varchar(10) CASCADE;
