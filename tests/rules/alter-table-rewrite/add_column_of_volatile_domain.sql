-- pgfence-test: schema=domains.schema
-- A domain with a volatile DEFAULT: a column of it added without a default of its own takes it,
-- one value per row, and the table is rewritten (red team h1 T_DOMVOLDEF; PG15: users'
-- relfilenode changes).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE DOMAIN rnd AS float8 DEFAULT random();
ALTER TABLE users ADD COLUMN z rnd;
