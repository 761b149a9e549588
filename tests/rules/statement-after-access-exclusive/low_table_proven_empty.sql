-- pgfence-test: schema=shop.schema
-- A required column without a default succeeds only on an empty table, and nothing can insert
-- while its ACCESS EXCLUSIVE lock is held: the index and the backfill after it touch no row, so
-- the lock is held for moments.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders ADD COLUMN region text NOT NULL;
CREATE INDEX orders_region_idx ON orders (region);
UPDATE orders SET status = 'migrated';
COMMIT;
