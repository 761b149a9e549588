-- pgfence-test: schema=recreated.schema
-- Routines moved by SET SCHEMA and a routine of their name made in another schema than the one
-- they left (red team R72 F3): none is made again where it was, so nothing is compared. The new
-- schema's routine is a new one (an unqualified name does not stand for a routine of any schema).
CREATE SCHEMA archive;
CREATE SCHEMA reports;
ALTER FUNCTION user_count() SET SCHEMA archive;
CREATE FUNCTION reports.user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
-- Under a search_path whose first schema is reports, an unqualified CREATE makes reports.add_user.
ALTER FUNCTION add_user(text) SET SCHEMA archive;
SET search_path = reports, public;
CREATE FUNCTION add_user(p_email text) RETURNS void LANGUAGE plpgsql STRICT
  AS $$ BEGIN INSERT INTO users (id, email) VALUES (1, p_email); END $$;
RESET search_path;
-- Moved aside, and made again in its old schema with every option and privilege it had.
ALTER PROCEDURE purge_users() SET SCHEMA archive;
CREATE PROCEDURE purge_users() LANGUAGE sql SECURITY DEFINER AS $$ DELETE FROM users $$;
GRANT EXECUTE ON PROCEDURE purge_users() TO app;
