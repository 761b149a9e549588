SET lock_timeout = '2s';
DO $$
BEGIN
  ALTER TABLE users ADD COLUMN archived boolean;
EXCEPTION WHEN duplicate_column THEN NULL;
END $$;
