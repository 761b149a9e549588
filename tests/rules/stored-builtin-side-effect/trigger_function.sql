-- pgfence-test: schema=shop.schema
-- A trigger whose function calls a built-in with side effects: every write of the application to
-- the table runs it, as a CHECK or DEFAULT would (red team I1: reported MEDIUM only).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE FUNCTION killer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
CREATE TRIGGER orders_kill BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION killer();
CREATE FUNCTION serialize_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock(7); RETURN NEW; END $$;
CREATE TRIGGER users_serial AFTER UPDATE ON users FOR EACH ROW EXECUTE PROCEDURE serialize_writes();
-- A setting of PostgreSQL's own for the rest of the session, from a trigger: every later statement
-- of the application's connection runs with an empty search_path.
CREATE FUNCTION clear_path() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('search_path', '', false); RETURN NEW; END $$;
CREATE TRIGGER orders_clear_path AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION clear_path();
