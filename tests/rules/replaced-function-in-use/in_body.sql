-- pgfence-test: schema=functions.schema
SET lock_timeout = '2s';
-- The same replacements, not at top level: judged as the statement alone (red team G_DOREPLWIPE,
-- R_FNDO, R_FNDOFMT, G_FNREPL). In a DO block, through EXECUTE of constant text and format(),
-- and in a function the migration calls.
DO $$ BEGIN CREATE OR REPLACE FUNCTION mk_code() RETURNS text LANGUAGE sql AS 'SELECT ''y'''; END $$;
DO $$ BEGIN EXECUTE 'CREATE OR REPLACE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE sql STABLE AS ''SELECT false'''; END $$;
DO $$ BEGIN EXECUTE format('CREATE OR REPLACE FUNCTION %s(text) RETURNS text LANGUAGE sql IMMUTABLE AS %L', 'norm', 'SELECT $1'); END $$;
CREATE FUNCTION mig() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT false';
END $$;
SELECT mig();
