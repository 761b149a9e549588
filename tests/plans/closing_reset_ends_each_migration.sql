-- path: db/migrations/0007_orders_status.sql
-- tool: psql
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
-- migration
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN note text;
CREATE INDEX orders_user_id_idx ON orders (user_id);
RESET lock_timeout;
