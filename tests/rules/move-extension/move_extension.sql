-- pgfence-test: schema=shop.schema
-- ALTER EXTENSION ... SET SCHEMA moves the extension's functions and types (PG15: after moving
-- citext, `SELECT citext('abc')` and `'a'::citext` fail "does not exist" where the new schema is
-- not on the search_path; a view using citext() keeps working; red team I1).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE SCHEMA IF NOT EXISTS extensions;
ALTER EXTENSION citext SET SCHEMA extensions;
ALTER EXTENSION "uuid-ossp" SET SCHEMA extensions;
