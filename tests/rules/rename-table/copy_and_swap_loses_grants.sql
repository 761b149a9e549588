-- pgfence-test: schema=grants.schema path=migrations/V0002.Orders.up.sql
-- A copy-and-swap in one transaction whose new orders has every column, but not the privileges
-- GRANTs gave on the old one (red team R69 C11): they stay with the table, now _bkp_orders, then
-- dropped. reporting is granted again and auditor gets SELECT by the default privileges, but app's
-- queries fail (PostgreSQL 15: "permission denied for table orders") until it is granted again.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total int);
INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
GRANT SELECT ON orders TO reporting;
COMMIT;
