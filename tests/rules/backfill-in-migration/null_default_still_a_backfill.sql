-- pgfence-test: schema=shop.schema
-- A DEFAULT NULL fills nothing: the same UPDATE writes every row.
-- (Each statement commits on its own: under the ALTER's held lock, work-under-held-lock reports it.)
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN fulfilment text DEFAULT NULL, ADD COLUMN region text DEFAULT 'eu';
UPDATE orders SET fulfilment = 'new', region = 'us' WHERE fulfilment IS NULL AND total > 0;
