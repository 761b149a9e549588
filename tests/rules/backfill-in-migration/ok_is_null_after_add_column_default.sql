-- pgfence-test: schema=shop.schema
-- Rails: add a column with a default, then the usual "fill the NULLs" UPDATE. Every row that
-- existed took 'new' from the DEFAULT, so the WHERE matches none of them: no backfill.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN fulfilment text DEFAULT 'new';
UPDATE orders SET fulfilment = 'new' WHERE fulfilment IS NULL;
COMMIT;
