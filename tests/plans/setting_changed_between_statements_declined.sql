-- path: db/migrations/0008_orders_archive.sql
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status text);
-- migration
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN archived_at timestamptz;
SET lock_timeout = '1min';
CREATE INDEX orders_user_id_idx ON orders (user_id);
