-- path: db/migrations/0001_orders.sql
CREATE TABLE orders (id bigint PRIMARY KEY, status text CONSTRAINT orders_status_nn CHECK (status IS NOT NULL));
INSERT INTO orders SELECT g, 'x' FROM generate_series(1,50) g;
-- migration
ALTER TABLE orders DROP CONSTRAINT orders_status_nn;
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
