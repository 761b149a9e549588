-- pgfence-test: schema=shop.schema
-- EXECUTE of constant text (literals joined with ||): the SQL it runs is read like the body's own
-- (plpgsql_fold.hpp), and a built-in it calls is found there (red team I1).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE FUNCTION sleepy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'SELECT pg_' || 'sleep(10)'; RETURN NEW; END $$;
CREATE TRIGGER orders_sleepy BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION sleepy();
CREATE FUNCTION locked_note() RETURNS text LANGUAGE plpgsql AS $$ DECLARE r text; BEGIN EXECUTE 'SELECT pg_advisory' || '_lock(1)::text' INTO r; RETURN r; END $$;
ALTER TABLE orders ALTER COLUMN note SET DEFAULT locked_note();
