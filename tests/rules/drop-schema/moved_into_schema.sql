-- pgfence-test: schema=reporting.schema
-- Tables moved into a schema made here are dropped with it: reporting.daily is known from the
-- schema, accounts (not known) from its ALTER ... SET SCHEMA above.
SET lock_timeout = '2s';
CREATE SCHEMA trash;
ALTER TABLE reporting.daily SET SCHEMA trash;
ALTER TABLE accounts SET SCHEMA trash;
DROP SCHEMA trash CASCADE;
