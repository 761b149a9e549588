1w-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;

-- migrate:down
DROP INDEX CONCURRENTLY orders_customer_idx;
