-- path: db/migrations/000043_orders_customer_idx.up.sql
CREATE TABLE orders (
    order_no text PRIMARY KEY,
    customer_ref uuid NOT NULL,
    total_cents bigint NOT NULL DEFAULT 0,
    placed_at timestamptz,
    note text
);
-- migration
CREATE INDEX orders_customer_ref_idx ON orders (customer_ref, placed_at);
