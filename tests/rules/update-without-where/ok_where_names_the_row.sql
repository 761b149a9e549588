-- pgfence-test: schema=shop.schema
UPDATE orders SET status = 'archived' WHERE total IS NULL;
UPDATE orders o SET status = 'archived' WHERE EXISTS (SELECT 1 FROM stats s WHERE s.user_id = o.user_id);
UPDATE orders SET status = 'archived' WHERE id = 5 AND true;
