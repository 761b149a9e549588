-- pgfence-test: schema=recreated.schema
-- Routines made again with every option, where default privileges give a new routine no EXECUTE
-- for PUBLIC: the roles the dropped ones were granted to and the file does not grant again cannot
-- call them (PostgreSQL 15: "permission denied for function user_count").
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
DROP PROCEDURE purge_users();
CREATE PROCEDURE purge_users() LANGUAGE sql SECURITY DEFINER AS $$ DELETE FROM users $$;
DROP FUNCTION user_count();
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$ SELECT count(*) FROM users $$;
GRANT EXECUTE ON FUNCTION user_count() TO app;
