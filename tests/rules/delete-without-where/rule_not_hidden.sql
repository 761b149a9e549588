-- pgfence-test: schema=shop.schema
-- Neither a trigger named like the rule nor a function named like its actions stands for it.
SET lock_timeout = '2s';
CREATE RULE r AS ON UPDATE TO orders DO ALSO DELETE FROM users;
DROP TRIGGER IF EXISTS "rule r" ON orders;
DROP FUNCTION IF EXISTS "rule r on orders";
CREATE FUNCTION "rule r on orders"() RETURNS void LANGUAGE sql AS 'SELECT 1';
UPDATE orders SET total = 1 WHERE id = 5;
