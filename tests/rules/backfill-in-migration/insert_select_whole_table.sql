-- pgfence-test: schema=shop.schema
-- Rebuild the per-user order counts.
INSERT INTO stats (user_id, n)
SELECT user_id, count(*) FROM orders GROUP BY user_id
ON CONFLICT (user_id) DO UPDATE SET n = excluded.n;
