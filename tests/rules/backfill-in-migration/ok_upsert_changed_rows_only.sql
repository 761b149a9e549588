-- pgfence-test: schema=shop.schema
-- One order's user is recounted: the primary key finds the row, nothing is read in bulk.
BEGIN;
SET LOCAL lock_timeout = '2s';
INSERT INTO stats (user_id, n)
SELECT user_id, count(*) FROM orders WHERE id = 7 GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET n = excluded.n;
COMMIT;
