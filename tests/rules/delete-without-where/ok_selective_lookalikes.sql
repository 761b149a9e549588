-- pgfence-test: schema=shop.schema
-- Close to the forms that select every row, but selective (or not provably every row).
DELETE FROM orders WHERE total > 0 OR total <= 0;
DELETE FROM orders WHERE id > 0 OR id <= 1;
DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM orders o2 WHERE o2.id = o.user_id);
DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE total > 5);
DELETE FROM orders WHERE NOT (total IS NULL);
DELETE FROM orders WHERE id >= -9223372036854775807;
DELETE FROM orders WHERE coalesce(total, 0) = coalesce(total, 1);
DELETE FROM orders WHERE coalesce(0, total) = coalesce(0, total) AND status = 'x';
DELETE FROM orders a USING orders b WHERE a.id = b.user_id;
