-- pgfence-test: schema=shop.schema
-- IF NOT EXISTS may add nothing: orders.status exists already, with its own values, so the
-- UPDATE that fills NULLs is still a backfill.
-- (Each statement commits on its own: under the ALTER's held lock, work-under-held-lock reports it.)
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS total int DEFAULT 0;
UPDATE orders SET total = 0 WHERE total IS NULL;
