-- pgfence-test: schema=fills.schema path=migrations/2020-08-02-025025_archive_orders/up.sql disable=update-without-where
-- status is 'legacy' in every row, but the WHERE also asks for a large total: it selects some
-- rows only, which the index on status finds.
UPDATE orders SET status = 'legacy';
ALTER TABLE orders ADD COLUMN archived boolean;
UPDATE orders SET archived = true WHERE status = 'legacy' AND total > 1000;
