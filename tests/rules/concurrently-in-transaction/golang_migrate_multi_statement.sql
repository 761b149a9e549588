-- pgfence-test: path=db/migrations/000031_orders_status.up.sql
ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders (status);
