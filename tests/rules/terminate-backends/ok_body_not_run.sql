-- A function the migration creates but does not call: its body runs when something calls it,
-- not when the migration runs.
CREATE FUNCTION kick_batch() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'batch';
END;
$$;
CREATE FUNCTION cancel_all() RETURNS void LANGUAGE sql AS $$ SELECT pg_cancel_backend(pid) FROM pg_stat_activity $$;
