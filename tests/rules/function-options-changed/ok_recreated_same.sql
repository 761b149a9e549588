-- pgfence-test: schema=recreated.schema
-- DROP and CREATE that spell every option the routine had and give its privileges again, one of a
-- routine this migration made, one with other arguments (drop-function's), and a routine whose
-- only grants were PUBLIC's default.
DROP FUNCTION user_count();
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$ SELECT count(*) FROM users $$;
REVOKE ALL ON FUNCTION user_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_count() TO app, reporting;
CREATE FUNCTION total_users() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$ SELECT count(*) FROM users $$;
DROP FUNCTION total_users();
CREATE FUNCTION total_users() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
DROP FUNCTION email_of(bigint);
CREATE FUNCTION email_of(p_id text) RETURNS text LANGUAGE sql AS $$ SELECT email FROM users WHERE id::text = p_id $$;
DROP FUNCTION add_user(text);
CREATE FUNCTION add_user(p_email text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO users (id, email) VALUES (2, p_email); END $$;
