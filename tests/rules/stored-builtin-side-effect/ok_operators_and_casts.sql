-- pgfence-test: schema=operators.schema
-- Operators and casts whose functions only compute, a trigger whose function only sets a column,
-- and a peek at a replication slot, which returns the changes "again on future calls"
-- (PostgreSQL 15 functions-admin: not consumed).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE orders ADD CONSTRAINT orders_same CHECK (total ~=~ total) NOT VALID;
CREATE TYPE money2 AS (cents int);
CREATE FUNCTION to_money2(int) RETURNS money2 LANGUAGE sql IMMUTABLE AS $$ SELECT ROW($1)::money2 $$;
CREATE CAST (int AS money2) WITH FUNCTION to_money2(int) AS ASSIGNMENT;
CREATE OPERATOR <+> (LEFTARG = int, RIGHTARG = int, FUNCTION = int4pl);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'seen'; RETURN NEW; END $$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE POLICY users_peek ON users USING (EXISTS (SELECT 1 FROM pg_logical_slot_peek_changes('audit', NULL, NULL)));
