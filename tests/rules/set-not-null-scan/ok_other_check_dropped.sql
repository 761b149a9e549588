-- pgfence-test: schema=orders.schema
-- Another constraint dropped: the validated CHECK still proves the column NOT NULL.
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nn;
ALTER TABLE orders DROP CONSTRAINT orders_total_positive;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
