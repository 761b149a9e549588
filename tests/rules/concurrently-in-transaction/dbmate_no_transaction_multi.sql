-- pgfence-test: path=db/migrations/20240103000000_orders_status_index.sql
-- migrate:up transaction:false
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status, created_at);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
