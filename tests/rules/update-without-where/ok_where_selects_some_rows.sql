-- pgfence-test: schema=shop.schema
UPDATE users SET name = 'x' WHERE id = 5;
UPDATE users SET name = 'x' WHERE created_at < now() - interval '1 year';
UPDATE orders SET total = 0 WHERE status = 'x';
UPDATE orders SET total = 0 WHERE total IS NOT NULL;
UPDATE users SET name = 'x' WHERE email IS NOT NULL AND name IS NULL;
UPDATE orders o SET total = 0 FROM users u WHERE u.id = o.user_id AND u.name = 'x';
WITH fix AS (SELECT id FROM orders WHERE total < 0) UPDATE orders o SET total = 0 FROM fix WHERE fix.id = o.id;
UPDATE orders o SET total = 0 FROM (SELECT id FROM users WHERE name IS NULL) AS nameless WHERE o.user_id = nameless.id;
UPDATE orders o SET total = NULL FROM users u, users v WHERE o.user_id = u.id AND u.id = v.id AND o.total = v.id;
