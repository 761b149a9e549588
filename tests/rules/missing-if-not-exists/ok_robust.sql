CREATE SCHEMA IF NOT EXISTS billing;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SEQUENCE IF NOT EXISTS billing.invoice_numbers;
CREATE TABLE IF NOT EXISTS billing.invoices (id bigint PRIMARY KEY, number bigint);
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_number_idx ON billing.invoices (number);
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text, DROP COLUMN IF EXISTS legacy_name;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_legacy_check;
DROP INDEX CONCURRENTLY IF EXISTS users_old_idx;
DROP TABLE IF EXISTS old_users;
-- CREATE TYPE has no IF NOT EXISTS: not reported
CREATE TYPE mood AS ENUM ('happy', 'sad');
-- ADD CONSTRAINT has no IF NOT EXISTS: dropping it first, in the same statement or an
-- earlier one, makes it rerunnable
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_check,
    ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
