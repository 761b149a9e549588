SET lock_timeout = '2s';
CREATE TABLE ddl_log (at timestamptz DEFAULT now(), tag text);
CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'ddl: %', tg_tag;
  INSERT INTO ddl_log (tag) VALUES (tg_tag);
END $$;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION log_ddl();
ALTER EVENT TRIGGER log_ddl ENABLE ALWAYS;
