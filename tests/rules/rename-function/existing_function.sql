-- pgfence-test: schema=api.schema
-- Renames and moves functions the application calls.
ALTER FUNCTION search_profiles(text) RENAME TO find_profiles;
CREATE SCHEMA api;
ALTER FUNCTION profile_count() SET SCHEMA api;
