-- pgfence-test: schema=callers.schema
-- What runs where existing objects call a function changes without a new body for it (red team
-- c, Z6, Z7): a name PostgreSQL ships, shadowed by an overload or a schema earlier on the path;
-- the function's search_path, rights, name or owner changed. A new owner changes what runs only
-- for a SECURITY DEFINER function (can_see, after line 9), not for next_ref, an invoker's.
SET lock_timeout = '2s';
CREATE SCHEMA shadow;
CREATE FUNCTION shadow.lower(t text) RETURNS text LANGUAGE sql AS 'SELECT t';
ALTER FUNCTION norm_email() SET search_path = shadow, pg_catalog, public;
ALTER FUNCTION can_see(bigint) SECURITY DEFINER;
ALTER FUNCTION eqfn(int, int) RENAME TO eqfn_old;
ALTER FUNCTION next_ref() OWNER TO nobody;
ALTER FUNCTION can_see(bigint) OWNER TO nobody;
