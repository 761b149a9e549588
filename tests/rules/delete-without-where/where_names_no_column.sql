-- pgfence-test: schema=shop.schema
-- A WHERE that names no column of the row it filters has one value for every row: all or none.
DELETE FROM orders WHERE NOT false;
DELETE FROM orders WHERE EXISTS (SELECT 1);
DELETE FROM orders WHERE (SELECT true);
DELETE FROM orders WHERE coalesce(NULL, true);
DELETE FROM orders WHERE 2 > 1;
DELETE FROM orders WHERE (SELECT count(*) FROM stats s WHERE s.n > 0) > 0;
DELETE FROM orders o USING stats s WHERE s.n IS NOT NULL;
-- total may be NULL: every row but those.
DELETE FROM orders WHERE total = total;
DELETE FROM orders WHERE total IS NOT DISTINCT FROM total;
MERGE INTO orders o USING stats s ON true WHEN MATCHED AND 1 = 1 THEN DELETE;
WITH gone AS (DELETE FROM orders WHERE (SELECT true) RETURNING id) SELECT count(*) FROM gone;
