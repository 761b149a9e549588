-- pgfence-test: schema=shop.schema
-- The primary key finds the one row: no backfill.
BEGIN;
SET LOCAL lock_timeout = '2s';
UPDATE orders SET status = 'archived' WHERE id = 42;
COMMIT;
