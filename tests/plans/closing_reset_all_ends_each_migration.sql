-- path: db/migrations/0001_orders.sql
-- tool: psql
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
CREATE TABLE users (id bigint PRIMARY KEY, email text);
INSERT INTO orders SELECT g, g % 7, 'x' FROM generate_series(1, 1000) g;
-- migration
SET lock_timeout = '3s';
SET statement_timeout = '1min';
ALTER TABLE orders ADD COLUMN note text;
CREATE INDEX orders_user_id_idx ON orders (user_id);
RESET ALL;
