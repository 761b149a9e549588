-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- Copy-and-swaps whose new columns are of another type than the old ones (red team R75 F9):
-- "char" keeps the first byte of each text, varchar(1) and smallint refuse or cut what does not
-- fit, and an ALTER COLUMN ... TYPE on the new table before the copy does the same. The values
-- the new columns do not keep are lost with the aside table (HIGH).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total smallint, status "char" NOT NULL DEFAULT 'n');
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
DROP TABLE _bkp_orders;
ALTER TABLE stats RENAME TO _bkp_stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint);
ALTER TABLE stats ALTER COLUMN n TYPE int;
INSERT INTO stats (user_id, n) SELECT user_id, n FROM _bkp_stats;
DROP TABLE _bkp_stats;
