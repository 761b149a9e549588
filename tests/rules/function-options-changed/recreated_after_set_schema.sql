-- pgfence-test: schema=recreated.schema
-- The routine moved out of the way by SET SCHEMA (ALTER FUNCTION, PROCEDURE or ROUTINE), then made
-- again under its name in its old schema without its options (red team R72 F3, checked on
-- PostgreSQL 15: archive.user_count keeps SECURITY DEFINER, its search_path and its GRANTs, the new
-- public.user_count has none of them and the application's role gets "permission denied for table
-- users"): compared with the one moved aside, as after a DROP.
CREATE SCHEMA archive;
ALTER FUNCTION user_count() SET SCHEMA archive;
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
ALTER ROUTINE purge_users() SET SCHEMA archive;
CREATE PROCEDURE purge_users() LANGUAGE sql AS $$ DELETE FROM users $$;
-- Named by its schema (public, where the unqualified CREATE of the schema made it).
ALTER FUNCTION public.add_user(text) SET SCHEMA archive;
CREATE FUNCTION public.add_user(p_email text) RETURNS void LANGUAGE plpgsql STRICT
  AS $$ BEGIN INSERT INTO users (id, email) VALUES (1, p_email); END $$;
