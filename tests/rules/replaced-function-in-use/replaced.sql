-- pgfence-test: schema=functions.schema
SET lock_timeout = '2s';
-- Bodies that are harmless SQL, behind objects that existed before: the new body is not judged.
CREATE OR REPLACE FUNCTION valid_email(text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
CREATE OR REPLACE FUNCTION norm(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
CREATE OR REPLACE FUNCTION mk_code() RETURNS text LANGUAGE sql AS $$ SELECT 'y' $$;
CREATE OR REPLACE FUNCTION label_of(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x' $$;
CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE OR REPLACE FUNCTION util.f(integer) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$;
-- The same body first (quiet), then another.
CREATE OR REPLACE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT true $$;
CREATE OR REPLACE FUNCTION can_see(bigint) RETURNS boolean LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN false; END $$;
-- A view's function: the application's reads of the view return other rows (or fail).
CREATE OR REPLACE FUNCTION in_view(bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT $1 + 0 $$;
-- A function the history made inside a DO block, behind a DEFAULT.
CREATE OR REPLACE FUNCTION do_made() RETURNS text LANGUAGE sql AS $$ SELECT 'y' $$;
