-- path: db/migrations/000044_drop_orders_placed_idx.up.sql
CREATE TABLE orders (
    order_no text PRIMARY KEY,
    customer_ref uuid NOT NULL,
    total_cents bigint NOT NULL DEFAULT 0,
    placed_at timestamptz,
    note text
);
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
-- migration
DROP INDEX orders_placed_at_idx;
