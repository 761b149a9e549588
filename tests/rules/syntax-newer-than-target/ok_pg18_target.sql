-- pgfence-test: pg-version=18
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null NOT NULL customer_id NOT VALID;
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) VIRTUAL;
ALTER TABLE orders ALTER COLUMN total_cents SET EXPRESSION AS (quantity * unit_price_cents);
SELECT day, sum(amount) FROM (SELECT created_at::date AS day, amount FROM payments) GROUP BY day;
