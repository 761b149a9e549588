-- pgfence-test: schema=shop.schema
-- Ways to empty a table that do not read as a DELETE without WHERE.
SET lock_timeout = '2s';
WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone;
DELETE FROM orders WHERE 1 = 1;
DELETE FROM stats WHERE user_id IN (SELECT user_id FROM stats);
MERGE INTO users u USING users s ON u.id = s.id WHEN MATCHED THEN DELETE;
