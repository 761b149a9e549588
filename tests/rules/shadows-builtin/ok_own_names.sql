-- Names PostgreSQL does not ship, a trigger function (no query calls it), a procedure of its own
-- name and an operator of its own.
CREATE FUNCTION public.app_lower(varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;
CREATE PROCEDURE app_archive(int) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.vc_same(varchar, varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 = $2 $$;
CREATE OPERATOR public.=== (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = public.vc_same);
ALTER FUNCTION public.app_lower(varchar) RENAME TO app_lower2;
ALTER FUNCTION util.app_lower(varchar) SET SCHEMA public;
