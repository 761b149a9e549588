-- pgfence-test: schema=grants.schema path=migrations/V0002.Orders.up.sql
-- The same copy-and-swap granting the old orders' privileges again on the new one.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total int);
INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
GRANT SELECT, INSERT, UPDATE ON orders TO app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;
COMMIT;
