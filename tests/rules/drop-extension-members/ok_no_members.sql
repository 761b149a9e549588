-- pgfence-test: schema=shop.schema
-- An extension no ALTER EXTENSION ... ADD gave the application's objects to.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE EXTENSION IF NOT EXISTS citext;
DROP EXTENSION citext;
