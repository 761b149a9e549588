-- pgfence-test: schema=app.schema
-- Options that change no call's result, and a routine this migration made.
ALTER FUNCTION user_count() COST 50;
ALTER FUNCTION add_user(text) ROWS 1 COST 10;
ALTER FUNCTION user_count() PARALLEL SAFE;
ALTER FUNCTION user_count() LEAKPROOF;
ALTER FUNCTION add_user(text) SECURITY DEFINER;
ALTER FUNCTION add_user(text) CALLED ON NULL INPUT;
CREATE FUNCTION total_users() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
ALTER FUNCTION total_users() SET search_path = public, pg_catalog;
ALTER FUNCTION total_users() STABLE STRICT SECURITY INVOKER;
