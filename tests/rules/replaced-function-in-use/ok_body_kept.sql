-- pgfence-test: schema=functions.schema
SET lock_timeout = '2s';
-- The same body, a function nothing calls, one only a view calls, a new overload.
CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 LIKE '%@%' $$;
CREATE OR REPLACE FUNCTION unused(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 1 $$;
CREATE OR REPLACE FUNCTION in_view(bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT $1 + 0 $$;
CREATE FUNCTION valid_email(varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$;
-- A function this migration makes, behind a table it makes.
CREATE FUNCTION fresh(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 > 0 $$;
CREATE TABLE counters (n int CHECK (fresh(n)));
CREATE OR REPLACE FUNCTION fresh(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 >= 0 $$;
