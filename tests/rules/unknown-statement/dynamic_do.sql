SET lock_timeout = '2s';
DO $$
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN archived boolean', current_setting('app.table'));
END $$;
CALL refresh_everything();
DO $$
DECLARE tbl text;
BEGIN
  SELECT relname INTO tbl FROM pg_class WHERE relname LIKE 'tmp_%' LIMIT 1;
  EXECUTE 'DROP TABLE ' || tbl;
END $$;
