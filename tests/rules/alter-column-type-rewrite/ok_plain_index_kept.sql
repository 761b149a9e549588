-- pgfence-test: schema=expression_index.schema
-- varchar(20) to text on a column with only a plain index: the index is reused, catalog only.
SET lock_timeout = '2s';
ALTER TABLE members ALTER COLUMN nick TYPE text;
