-- PERFORM runs its query and throws the result away: the sessions are ended all the same, when
-- the function is called or the DO block runs.
CREATE FUNCTION kick_app() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app';
END;
$$;
SELECT kick_app();
DO $$
BEGIN
  PERFORM pg_cancel_backend(pid) FROM pg_stat_activity WHERE state = 'active';
END;
$$;
