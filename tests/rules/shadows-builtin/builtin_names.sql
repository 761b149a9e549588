-- Functions, aggregates and operators under a built-in's name, in any schema: the application's
-- own calls (on a varchar column, say) may run them instead of pg_catalog's.
CREATE FUNCTION public.vc_eq(varchar, varchar) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$;
CREATE OPERATOR public.= (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = public.vc_eq);
CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '' $$;
CREATE OR REPLACE FUNCTION util.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION coalesce_text(text, text) RETURNS text LANGUAGE sql AS $$ SELECT $1 $$;
ALTER FUNCTION coalesce_text(text, text) RENAME TO btrim;
CREATE AGGREGATE public.max(varchar) (SFUNC = textlarger, STYPE = text);
CREATE OPERATOR ~~ (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = public.vc_eq);
ALTER FUNCTION util.lower(varchar) SET SCHEMA public;
