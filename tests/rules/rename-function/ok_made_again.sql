-- pgfence-test: schema=api.schema
-- The old one is kept under its name: a new one is made where the old name was.
ALTER FUNCTION profile_count() RENAME TO profile_count_v1;
CREATE FUNCTION profile_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT profile_count_v1() $$;
