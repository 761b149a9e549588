-- pgfence-test: schema=api.schema
-- The return type changes: dropped and made again with the same arguments in the same file.
DROP FUNCTION profile_count();
CREATE FUNCTION profile_count() RETURNS integer LANGUAGE sql STABLE AS $$ SELECT count(*)::int FROM profiles $$;
