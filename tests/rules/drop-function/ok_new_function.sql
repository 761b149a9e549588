-- A function made and dropped in the same migration.
CREATE FUNCTION scratch() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
DROP FUNCTION scratch();
