-- pgfence-test: schema=shop.schema path=migrations/V0003.Orders.up.sql
-- The table renamed aside is dropped before anything copies its rows: every row is lost.
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
DROP TABLE IF EXISTS _bkp_orders;
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
