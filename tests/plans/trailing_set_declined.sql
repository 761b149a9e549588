-- path: migrations/000001_orders.up.sql
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
INSERT INTO orders SELECT g, g % 7, 'x' FROM generate_series(1, 200) g;
-- migration
ALTER TABLE orders ADD COLUMN note text;
CREATE INDEX orders_user_id_idx ON orders (user_id);
SET statement_timeout = '20ms';
