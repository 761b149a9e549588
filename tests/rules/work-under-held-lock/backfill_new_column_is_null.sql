-- pgfence-test: path=db/migration/V42__add_order_status.sql disable=update-without-where
-- With update-without-where turned off, this rule reports the work under the held lock itself.
ALTER TABLE orders ADD COLUMN status text;
UPDATE orders SET status = 'pending' WHERE status IS NULL;
