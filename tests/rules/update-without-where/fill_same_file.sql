-- pgfence-test: schema=fills.schema path=migrations/2020-08-02-025025_order_regions/up.sql
-- The new column takes 'eu' in every row from its default; the WHERE testing it, or a customer
-- that no order may lack, keeps every row.
ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';
CREATE INDEX orders_region_idx ON orders (region);
UPDATE orders SET total = total * 100 WHERE region = 'eu' OR customer_id = 7;
