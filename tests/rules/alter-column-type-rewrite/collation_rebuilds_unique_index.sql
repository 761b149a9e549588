-- pgfence-test: schema=items.schema
-- Only the collation changes: the rows stay, the unique index on name is built again.
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN name TYPE text COLLATE "C";
