-- path: db/migrations/000121_customers_full_name.up.sql
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text);
-- migration
ALTER TABLE customers RENAME COLUMN name TO full_name;
