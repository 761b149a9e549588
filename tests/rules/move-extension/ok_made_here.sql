-- pgfence-test: schema=shop.schema
-- An extension this migration creates (no IF NOT EXISTS: it did not exist), moved before anything
-- uses it.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION hstore;
ALTER EXTENSION hstore SET SCHEMA extensions;
