-- pgfence-test: schema=shop.schema
-- Functions kept in a trigger and a DEFAULT whose bodies EXECUTE text built at run time: what they
-- run on every write of the application cannot be read, so the statements that store them are
-- unknown, not clean (issue 53, red team I1).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE FUNCTION dyn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'SELECT ' || NEW.note; RETURN NEW; END $$;
CREATE TRIGGER orders_dyn BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION dyn();
CREATE FUNCTION dyn_text() RETURNS text LANGUAGE plpgsql AS $$ DECLARE r text; BEGIN EXECUTE 'SELECT ' || current_setting('app.expr') INTO r; RETURN r; END $$;
ALTER TABLE orders ALTER COLUMN note SET DEFAULT dyn_text();
