-- pgfence-test: schema=fills.schema path=migrations/2020-08-02-025025_archive_orders/up.sql disable=update-without-where
-- Every order becomes a legacy one, but one of them is set back before the archive: status no
-- longer holds 'legacy' in every row, so the fill proves nothing. The index on status serves the
-- last WHERE, but status is no key: its rows may be most of orders, written under the lock (this
-- case was ok_ while a constant on an indexed column read as few rows).
UPDATE orders SET status = 'legacy';
ALTER TABLE orders ADD COLUMN archived boolean;
UPDATE orders SET status = 'active' WHERE id = 1;
UPDATE orders SET archived = true WHERE status = 'legacy';
