-- pgfence-test: schema=shop.schema
-- Each WHERE names a column of the row it deletes: it selects some rows.
DELETE FROM orders WHERE total > 100;
DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM stats s WHERE s.user_id = o.user_id);
DELETE FROM orders WHERE EXISTS (SELECT 1 FROM stats s WHERE s.user_id = user_id AND s.n = 0);
DELETE FROM orders o USING stats s WHERE s.user_id = o.user_id AND s.n = 0;
DELETE FROM orders WHERE total = total + 1;
DELETE FROM orders WHERE false;
MERGE INTO orders o USING stats s ON o.user_id = s.user_id WHEN MATCHED AND s.n = 0 THEN DELETE;
WITH gone AS (DELETE FROM orders o WHERE o.total > 0 RETURNING id) SELECT count(*) FROM gone;
