-- pgfence-test: schema=shop.schema
-- The rule's action has its WHERE; a rule of DO NOTHING runs nothing; a trigger named like the
-- rule does not stand for it, and dropping one (IF EXISTS) leaves the rule in place.
SET lock_timeout = '2s';
CREATE RULE r AS ON UPDATE TO orders DO ALSO (DELETE FROM users WHERE id = OLD.user_id; INSERT INTO stats VALUES (OLD.user_id, 1));
CREATE RULE quiet AS ON DELETE TO orders DO INSTEAD NOTHING;
UPDATE orders SET total = 1 WHERE id = 5;
DELETE FROM orders WHERE id = 5;
