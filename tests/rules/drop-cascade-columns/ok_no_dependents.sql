-- pgfence-test: schema=fk.schema
-- Objects this migration made, and constraints nothing depends on: CASCADE takes nothing else.
SET lock_timeout = '2s';
CREATE FUNCTION slug(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
DROP FUNCTION slug(text) CASCADE;
CREATE SEQUENCE batch_numbers;
DROP SEQUENCE batch_numbers CASCADE;
CREATE COLLATION german_ci (provider = icu, locale = 'de-u-ks-level2', deterministic = false);
DROP COLLATION german_ci CASCADE;
ALTER TABLE tags DROP CONSTRAINT tags_name_key CASCADE;
-- Without CASCADE PostgreSQL refuses while anything depends on it.
DROP FUNCTION normalize_email(text);
DROP SERVER legacy_db;
ALTER TABLE users DROP CONSTRAINT users_pkey;
CREATE INDEX tags_name_idx ON tags (name);
DROP INDEX tags_name_idx CASCADE;
