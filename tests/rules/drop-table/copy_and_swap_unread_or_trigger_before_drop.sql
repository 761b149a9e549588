-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- Copy-and-swaps with a statement pgfence does not read between the rename and the drop (a DO
-- block's dynamic SQL may make a rule that discards the copy), or a trigger on the new table
-- firing at the copy (an AFTER trigger may delete what the copy wrote): nothing shows the rows
-- reached the new table before the aside table is dropped (red team R75 F11; HIGH).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
DO $$BEGIN EXECUTE 'CREATE RULE r AS ON INSERT TO orders DO INSTEAD NOTHING'; END$$;
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
DROP TABLE _bkp_orders;
ALTER TABLE stats RENAME TO _bkp_stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint);
CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM stats; RETURN NULL; END$$;
CREATE TRIGGER wipe AFTER INSERT ON stats FOR EACH STATEMENT EXECUTE FUNCTION wipe();
INSERT INTO stats (user_id, n) SELECT user_id, n FROM _bkp_stats;
DROP TABLE _bkp_stats;
