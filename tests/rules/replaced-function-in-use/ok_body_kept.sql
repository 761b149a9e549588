-- pgfence-test: schema=functions.schema
SET lock_timeout = '2s';
-- The same body, a function nothing calls, a new overload.
CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 LIKE '%@%' $$;
CREATE OR REPLACE FUNCTION unused(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 1 $$;
CREATE FUNCTION valid_email(varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$;
-- A function this migration makes, behind a table it makes.
CREATE FUNCTION fresh(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 > 0 $$;
CREATE TABLE counters (n int CHECK (fresh(n)));
CREATE OR REPLACE FUNCTION fresh(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 >= 0 $$;
-- The same body again from a DO block: quiet there too.
DO $$ BEGIN CREATE OR REPLACE FUNCTION unused(int) RETURNS int LANGUAGE sql AS 'SELECT $1 + 2'; END $$;
DO $$ BEGIN CREATE OR REPLACE FUNCTION mk_code() RETURNS text LANGUAGE sql AS $b$ SELECT 'x' $b$; END $$;
