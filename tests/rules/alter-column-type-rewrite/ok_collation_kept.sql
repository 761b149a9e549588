-- pgfence-test: schema=items.schema
-- The collation the column has already, and varchar to text under it: catalog only.
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN code TYPE text COLLATE ci_any;
ALTER TABLE items ALTER COLUMN name TYPE varchar;
