-- pgfence-test: pg-version=17
ALTER TABLE orders ALTER COLUMN total_cents SET EXPRESSION AS (quantity * unit_price_cents);
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents);
