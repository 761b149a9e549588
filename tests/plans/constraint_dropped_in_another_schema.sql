-- path: db/migrations/0001_orders.sql
-- tool: psql
CREATE SCHEMA a; CREATE SCHEMA b;
CREATE TABLE a.orders (id bigint PRIMARY KEY, status text CONSTRAINT orders_status_check CHECK (status IN ('x','y')));
CREATE TABLE b.orders (id bigint PRIMARY KEY, qty int);
INSERT INTO a.orders SELECT g, 'x' FROM generate_series(1,50) g;
INSERT INTO b.orders SELECT g, g FROM generate_series(1,50) g;
-- migration
ALTER TABLE a.orders DROP CONSTRAINT orders_status_check;
CREATE INDEX orders_qty_idx ON b.orders (qty);
ALTER TABLE b.orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0);
