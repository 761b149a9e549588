-- ALTER ROUTINE names a function or a procedure alike: renamed or moved to a built-in's name it
-- shadows the built-in as ALTER FUNCTION does (red team F1, B_BUILTIN_ALTERRENAME).
CREATE FUNCTION public.mylower(varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '' $$;
ALTER ROUTINE public.mylower(varchar) RENAME TO lower;
ALTER ROUTINE util.upper(varchar) SET SCHEMA public;
-- A procedure is a candidate of a function call too: the application's lower(email) on a varchar
-- column then fails "lower(character varying) is a procedure" (checked on PostgreSQL 15).
CREATE PROCEDURE public.myproc(varchar) LANGUAGE sql AS $$ SELECT 1 $$;
ALTER PROCEDURE public.myproc(varchar) RENAME TO lower;
CREATE PROCEDURE public.upper(varchar) LANGUAGE sql AS $$ SELECT 1 $$;
