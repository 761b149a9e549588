-- ALTER ROUTINE names a function or a procedure alike: renamed or moved to a built-in's name it
-- shadows the built-in as ALTER FUNCTION does (red team F1, B_BUILTIN_ALTERRENAME).
CREATE FUNCTION public.mylower(varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '' $$;
ALTER ROUTINE public.mylower(varchar) RENAME TO lower;
ALTER ROUTINE util.upper(varchar) SET SCHEMA public;
