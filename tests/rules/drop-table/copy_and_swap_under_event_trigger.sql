-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- A copy-and-swap after an event trigger whose function runs dynamic SQL at each DDL command: the
-- rename and the CREATE TABLE run it, and what it does to the new table (here a rule discarding
-- every insert) is not seen, so nothing shows the copy kept the rows the drop deletes (HIGH).
SET lock_timeout = '2s';
CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN EXECUTE 'CREATE RULE r AS ON INSERT TO orders DO INSTEAD NOTHING'; END$$;
CREATE EVENT TRIGGER on_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
DROP TABLE _bkp_orders;
COMMIT;
