-- pgfence-test: schema=recreated.schema
-- DROP and CREATE (not OR REPLACE) of routines earlier migrations made: the new routine has only
-- the options it spells and the default privileges (red team R71 F7, checked on PostgreSQL 15:
-- prosecdef false, proconfig and proacl NULL; EXECUTE is PUBLIC's again, and the application's role
-- gets "permission denied for table users" from the body).
DROP FUNCTION user_count();
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
-- STRICT added, under DROP ... IF EXISTS without the argument types.
DROP FUNCTION IF EXISTS add_user;
CREATE FUNCTION add_user(p_email text) RETURNS void LANGUAGE plpgsql STRICT
  AS $$ BEGIN INSERT INTO users (id, email) VALUES (1, p_email); END $$;
-- The same options, granted again, but PUBLIC's EXECUTE is back on it (MEDIUM: it runs with the
-- caller's rights).
DROP FUNCTION public.email_of(int8);
CREATE FUNCTION email_of(p_id bigint) RETURNS text LANGUAGE sql STABLE STRICT AS $$ SELECT email FROM users WHERE id = p_id $$;
