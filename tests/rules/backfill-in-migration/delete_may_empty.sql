-- pgfence-test: schema=shop.schema
-- A DELETE whose WHERE pgfence cannot show picks a few rows may empty the table: HIGH. Each of
-- these holds for every row of a real table (ids are positive, every order has its user).
DELETE FROM orders WHERE id <> -1;
DELETE FROM orders WHERE id >= 0;
DELETE FROM orders WHERE user_id IN (SELECT id FROM users);
DELETE FROM orders o USING users u WHERE o.user_id = u.id;
DELETE FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);
WITH gone AS (DELETE FROM orders WHERE total > -1 RETURNING id) SELECT count(*) FROM gone;
-- Picked by key (an OR of equalities) or plainly false: the MEDIUM of a purge; an UPDATE: the MEDIUM of a backfill.
DELETE FROM orders WHERE id = 1 OR id = 2;
DELETE FROM orders WHERE id = ANY (ARRAY[3, 4]);
DELETE FROM orders WHERE 1 = 2;
UPDATE orders SET user_id = 1 WHERE id >= 0;
-- Tied to a constant one level down: the rows of one key, not every row (MEDIUM, as a backfill).
DELETE FROM orders WHERE user_id IN (SELECT id FROM users WHERE email = 'gone@example.com');
