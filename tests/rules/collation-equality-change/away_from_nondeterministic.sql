-- pgfence-test: schema=items.schema
-- code goes back to the default collation: codes that differed only in case become distinct.
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN code TYPE text;
