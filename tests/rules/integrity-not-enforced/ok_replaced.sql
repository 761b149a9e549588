-- pgfence-test: schema=shop.schema
-- Constraints replaced in the same file, triggers enabled again with no write between, the SET NOT
-- NULL recipe's check, and the same on a table the file creates.
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID;
ALTER TABLE orders DROP CONSTRAINT orders_total_check, ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
CREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON users (email);
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE orders DISABLE TRIGGER ALL;
ALTER TABLE orders ENABLE TRIGGER ALL;
ALTER TABLE payments VALIDATE CONSTRAINT payments_amount_not_null;
ALTER TABLE payments ALTER COLUMN amount SET NOT NULL;
ALTER TABLE payments DROP CONSTRAINT payments_amount_not_null;
CREATE TABLE drafts (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id));
ALTER TABLE drafts DROP CONSTRAINT drafts_pkey, DROP CONSTRAINT drafts_user_id_fkey;
ALTER TABLE drafts DISABLE TRIGGER ALL;
CREATE DOMAIN code AS text CHECK (VALUE <> '');
ALTER DOMAIN code DROP CONSTRAINT code_check;
