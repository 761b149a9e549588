-- pgfence-test: schema=fills.schema path=migrations/2020-08-02-025025_order_regions/up.sql disable=update-without-where
-- Every order so far was placed in the EU: the new column takes 'eu' in every row (a constant
-- default, no rewrite), and the backfill picks its rows by that same value, so it writes every
-- row of orders, although an index serves its WHERE, while the ALTER TABLE's lock is held.
ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';
CREATE INDEX orders_region_idx ON orders (region);
UPDATE orders SET total = total * 100 WHERE region = 'eu';
