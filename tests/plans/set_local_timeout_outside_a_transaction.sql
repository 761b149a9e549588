-- path: db/migrations/0003_orders_note.sql
-- tool: psql
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
CREATE TABLE users (id bigint PRIMARY KEY, email text);
INSERT INTO orders SELECT g, g % 7, 'x' FROM generate_series(1, 1000) g;
-- migration
BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '3s';
CREATE INDEX orders_user_id_idx ON orders (user_id);
COMMIT;
