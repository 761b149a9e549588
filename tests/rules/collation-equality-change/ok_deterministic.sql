-- pgfence-test: schema=items.schema
-- Between deterministic collations equality stays byte equality (the index rebuild is
-- alter-column-type-rewrite's), and a column keeping its collation changes nothing.
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN note TYPE text COLLATE "C";
ALTER TABLE items ALTER COLUMN code TYPE text COLLATE ci_any;
ALTER TABLE items ALTER COLUMN name TYPE varchar;
