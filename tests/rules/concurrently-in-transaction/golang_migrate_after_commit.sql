-- pgfence-test: path=db/migrations/000032_orders_shipped_at.up.sql
BEGIN;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS shipped_at timestamptz;
COMMIT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_shipped_at ON orders (shipped_at);
