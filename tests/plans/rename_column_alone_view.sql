-- path: db/migrations/0121_customers_full_name.sql
CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text);
-- migration
ALTER TABLE customers RENAME COLUMN name TO full_name;
