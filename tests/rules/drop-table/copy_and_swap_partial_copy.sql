-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- A copy-and-swap whose copy does not take every row (red team R69 C1: LIMIT 0 copied nothing),
-- or whose drop is CASCADE (the other tables' foreign keys go with it): no copy-and-swap, the
-- drop loses rows (HIGH).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders LIMIT 0;
DROP TABLE _bkp_orders;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
INSERT INTO users SELECT * FROM _bkp_users;
DROP TABLE _bkp_users CASCADE;
