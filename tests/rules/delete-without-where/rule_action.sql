-- pgfence-test: schema=shop.schema
-- A query-rewrite rule adds its action to every UPDATE of orders: the UPDATE below also deletes
-- every row of users, reported at the UPDATE, inside the rule. Dropping the rule ends it.
SET lock_timeout = '2s';
CREATE RULE r AS ON UPDATE TO orders DO INSTEAD DELETE FROM users;
UPDATE orders SET total = 1 WHERE id = 5;
DROP RULE r ON orders;
UPDATE orders SET total = 2 WHERE id = 6;
