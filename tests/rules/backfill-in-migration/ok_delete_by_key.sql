-- pgfence-test: schema=shop.schema
-- Deletes picked by key (an equality or IN against constants on an indexed column), and a batch.
DELETE FROM orders WHERE id = 7;
DELETE FROM orders WHERE id IN (1, 2, 3);
DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE user_id = 3 LIMIT 1000);
WITH gone AS (DELETE FROM orders WHERE id IN (4, 5) RETURNING id) SELECT count(*) FROM gone;
