-- pgfence-test: path=db/migrations/000034_orders_note.up.sql
BEGIN;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_note ON orders (note);
COMMIT;
