-- pgfence-test: schema=app.schema
-- Options of routines earlier migrations made that change what the application's calls do (red
-- team R68 B27).
ALTER FUNCTION user_count() SECURITY INVOKER;
ALTER FUNCTION user_count() SET search_path = pg_catalog;
ALTER FUNCTION user_count() RESET ALL;
ALTER FUNCTION add_user(text) STRICT;
ALTER FUNCTION add_user(text) STABLE;
ALTER ROUTINE add_user(text) IMMUTABLE COST 10;
ALTER PROCEDURE purge_users() SET statement_timeout = '1s';
-- A routine no history made: taken to exist.
ALTER FUNCTION refresh_totals(int) SET search_path FROM CURRENT;
-- VOLATILE breaks no call: MEDIUM.
ALTER FUNCTION user_count() VOLATILE;
