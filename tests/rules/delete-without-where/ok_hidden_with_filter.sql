-- pgfence-test: schema=shop.schema
-- The same shapes narrowed to some rows.
SET lock_timeout = '2s';
WITH gone AS (DELETE FROM users WHERE created_at < '2020-01-01' RETURNING id) SELECT count(*) FROM gone;
DELETE FROM orders WHERE 1 = 2;
DELETE FROM stats WHERE user_id IN (SELECT user_id FROM stats WHERE n = 0);
MERGE INTO users u USING users s ON u.id = s.id WHEN MATCHED AND s.name IS NULL THEN DELETE;
