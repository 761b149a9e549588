SET lock_timeout = '2s';
CREATE FUNCTION block_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'DDL is frozen';
END $$;
CREATE EVENT TRIGGER freeze_ddl ON ddl_command_start EXECUTE FUNCTION block_ddl();
