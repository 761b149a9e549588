-- pgfence-test: schema=api.schema
-- A "cleanup" that drops functions the application calls (PostgREST's /rpc/search_profiles).
DROP FUNCTION search_profiles(text);
DROP FUNCTION IF EXISTS profile_count();
DROP FUNCTION IF EXISTS legacy_report();
-- Its arguments change: the running release still calls the old form until the new one ships.
DROP FUNCTION search_profiles_v2(text, int);
CREATE FUNCTION search_profiles_v2(q text, lim int, off int) RETURNS SETOF profiles LANGUAGE sql STABLE AS $$ SELECT * FROM profiles WHERE name ILIKE q LIMIT lim OFFSET off $$;
