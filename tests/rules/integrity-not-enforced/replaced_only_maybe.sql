-- pgfence-test: schema=shop.schema
-- A replacement that may not run is no replacement: under IF, or in a block whose EXCEPTION part
-- swallows its failure.
SET lock_timeout = '2s';
DO $$
BEGIN
  ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
  IF false THEN
    ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) NOT VALID;
  END IF;
END $$;
ALTER TABLE users DROP CONSTRAINT users_email_key;
DO $$ BEGIN ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); EXCEPTION WHEN others THEN NULL; END $$;
