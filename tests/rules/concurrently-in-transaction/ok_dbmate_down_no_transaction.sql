-- pgfence-test: path=db/migrations/20240105000000_drop_orders_customer_index.sql direction=down
-- The down section's own transaction:false decides when only down sections are read.
-- migrate:up
CREATE INDEX orders_customer_idx ON orders (customer_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;
