SET lock_timeout = '2s';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'legacy') THEN
    DROP TABLE legacy;
  END IF;
  EXECUTE 'DROP TABLE old_events';
END $$;
DO $$ BEGIN DROP TABLE users; END $$;
