-- pgfence-test: schema=fills.schema path=migrations/2020-08-02-025025_archive_orders/up.sql disable=update-without-where
-- status is 'legacy' in every row, but the WHERE also asks for a large total: the fill does not
-- make it every row. It is still work under the lock: status is no key (a code most rows share),
-- so the rows the index on status finds may be most of orders (a DBA's review of DSpace's
-- `resource_type_id = 2`; this case was ok_ while a constant on an indexed column read as few rows).
UPDATE orders SET status = 'legacy';
ALTER TABLE orders ADD COLUMN archived boolean;
UPDATE orders SET archived = true WHERE status = 'legacy' AND total > 1000;
