-- pgfence-test: schema=shop.schema
-- A DO block that drops a constraint and adds its replacement at its top level, and a drop whose
-- replacement a later DO block adds (supabase storage's migrations do both).
SET lock_timeout = '2s';
DO $$
BEGIN
  ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
  ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) NOT VALID;
END $$;
ALTER TABLE users DROP CONSTRAINT users_email_key;
DO $$ BEGIN ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); END $$;
