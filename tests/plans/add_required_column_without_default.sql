-- path: db/migrations/0012_orders_status.sql
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL, total_cents bigint NOT NULL);
-- migration
ALTER TABLE orders ADD COLUMN status text NOT NULL;
