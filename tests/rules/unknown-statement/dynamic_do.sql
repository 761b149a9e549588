SET lock_timeout = '2s';
DO $$
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN archived boolean', 'users');
END $$;
CALL refresh_everything();
