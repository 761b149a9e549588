-- pgfence-test: schema=replaced.schema
-- A replacement that spells every option the routine had, and one of a routine this migration made.
CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public SET work_mem = '8MB'
  AS $$ SELECT count(*) FROM users $$;
CREATE OR REPLACE FUNCTION email_of(p_id bigint) RETURNS text LANGUAGE sql STABLE STRICT AS $$ SELECT email FROM users WHERE id = p_id $$;
CREATE OR REPLACE FUNCTION add_user(p_email text) RETURNS void LANGUAGE plpgsql CALLED ON NULL INPUT SECURITY INVOKER
  AS $$ BEGIN INSERT INTO users (id, email) VALUES (2, p_email); END $$;
CREATE FUNCTION total_users() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$ SELECT count(*) FROM users $$;
CREATE OR REPLACE FUNCTION total_users() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
