-- pgfence-test: schema=callers.schema
-- A new body for a function an existing operator, cast, policy, domain DEFAULT or trigger
-- function calls runs wherever they are used (red team c, section 19): each DELETE is judged.
SET lock_timeout = '2s';
CREATE OR REPLACE FUNCTION eqfn(a int, b int) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN a = b; END $$;
CREATE OR REPLACE FUNCTION to_cents(t text) RETURNS cents LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN ROW(1)::cents; END $$;
CREATE OR REPLACE FUNCTION can_see(uid bigint) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN true; END $$;
CREATE OR REPLACE FUNCTION next_ref() RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN 'r'; END $$;
-- A new overload of a name the trigger function calls: lower(varchar) is a closer match for
-- NEW.email than pg_catalog.lower(text), so the trigger runs it.
CREATE FUNCTION public.lower(t varchar) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; RETURN pg_catalog.lower(t); END $$;
