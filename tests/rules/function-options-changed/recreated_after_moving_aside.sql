-- pgfence-test: schema=recreated.schema
-- The routine moved out of the way by RENAME TO, then made again under its name
-- without its options (red team R72 F3, checked on PostgreSQL 15: the application's role gets
-- "permission denied for table users" from the new body): compared as after a DROP.
ALTER FUNCTION user_count() RENAME TO user_count_old;
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
ALTER PROCEDURE purge_users() RENAME TO purge_users_old;
CREATE PROCEDURE purge_users() LANGUAGE sql AS $$ DELETE FROM users $$;
