-- pgfence-test: path=db/migration/V42__add_order_status.sql
ALTER TABLE orders ADD COLUMN status text;
UPDATE orders SET status = 'pending' WHERE status IS NULL;
