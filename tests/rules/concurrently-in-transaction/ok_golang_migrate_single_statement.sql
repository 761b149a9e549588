-- pgfence-test: path=db/migrations/000033_orders_customer_index.up.sql
-- One statement per file: golang-migrate sends it alone, outside any transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id
    ON orders (customer_id);
