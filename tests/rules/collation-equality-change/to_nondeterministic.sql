-- pgfence-test: schema=items.schema
-- Case-insensitive names: a collation made here, and a domain that carries one.
SET lock_timeout = '2s';
CREATE COLLATION ci_level2 (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
ALTER TABLE items ALTER COLUMN name TYPE text COLLATE ci_level2;
CREATE DOMAIN ci_text AS text COLLATE ci_any;
ALTER TABLE items ALTER COLUMN note TYPE ci_text;
