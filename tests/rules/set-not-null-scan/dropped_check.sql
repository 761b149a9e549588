-- pgfence-test: schema=orders.schema
-- A CHECK (customer_id IS NOT NULL) validated once, then dropped by a clean-up: it no longer
-- proves anything, and SET NOT NULL reads every row under ACCESS EXCLUSIVE (PostgreSQL 15:
-- "verifying table"; red team R67 A4). The same for an unnamed one, by its generated name.
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nn;
ALTER TABLE orders DROP CONSTRAINT orders_customer_nn;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
ALTER TABLE orders ADD CHECK (total IS NOT NULL);
ALTER TABLE orders DROP CONSTRAINT orders_total_check;
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;
