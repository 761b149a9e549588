-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- Copy-and-swaps that change the copied rows before the aside table is dropped (red team R75
-- F10): an UPDATE, DELETE or TRUNCATE of the new table, or a DROP COLUMN on it. What they
-- overwrote or removed was only in the aside table, which the DROP then deletes (HIGH).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
UPDATE orders SET total = 0;
DROP TABLE _bkp_orders;
ALTER TABLE stats RENAME TO _bkp_stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint);
INSERT INTO stats (user_id, n) SELECT user_id, n FROM _bkp_stats;
ALTER TABLE stats DROP COLUMN n;
DROP TABLE _bkp_stats;
