-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- Copy-and-swaps whose new table is made in another schema (red team R75 F7): written
-- billing.orders, or unqualified under a search_path that puts billing first. The old name in
-- public is left without a table, and the drop of the aside table loses every row there (HIGH).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE billing.orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
INSERT INTO billing.orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
DROP TABLE _bkp_orders;
ALTER TABLE stats RENAME TO _bkp_stats;
SET search_path = billing, public;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint);
INSERT INTO stats (user_id, n) SELECT user_id, n FROM _bkp_stats;
RESET search_path;
DROP TABLE _bkp_stats;
