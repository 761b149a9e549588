-- pgfence-test: schema=shop.schema path=db/migration/V43__user_order_stats.sql
-- A summary copied from a LEFT JOIN (Flyway: the file is one transaction): the join keeps every
-- user, so the INSERT reads all of users while the ALTER TABLE's ACCESS EXCLUSIVE on orders
-- stays held, whatever index the join's other side has.
ALTER TABLE orders ADD COLUMN archived boolean;
INSERT INTO stats (user_id, n)
SELECT u.id, count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id;
