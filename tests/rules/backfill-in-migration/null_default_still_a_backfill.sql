-- pgfence-test: schema=shop.schema
-- A DEFAULT NULL fills nothing: the same UPDATE writes every row.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN fulfilment text DEFAULT NULL, ADD COLUMN region text DEFAULT 'eu';
UPDATE orders SET fulfilment = 'new', region = 'us' WHERE fulfilment IS NULL AND total > 0;
COMMIT;
