-- pgfence-test: schema=shop.schema
DELETE FROM orders WHERE id = 5;
DELETE FROM users WHERE created_at < now() - interval '1 year';
DELETE FROM orders WHERE status = 'cancelled';
DELETE FROM orders WHERE total IS NOT NULL;
DELETE FROM users WHERE name IS NULL OR email IS NULL;
