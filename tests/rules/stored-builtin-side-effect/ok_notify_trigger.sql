-- pgfence-test: schema=shop.schema
-- Triggers made for what they do: one that sends a notification to the sessions that LISTEN (what
-- a LISTEN/NOTIFY trigger is for), one that stamps a column (contrib's moddatetime, made for
-- triggers).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE FUNCTION notify_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('orders', NEW.id::text); RETURN NEW; END $$;
CREATE TRIGGER orders_notify AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION notify_orders();
CREATE EXTENSION IF NOT EXISTS moddatetime;
CREATE TRIGGER orders_stamp BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION moddatetime(note);
-- A trigger that serializes the writes of one key with a lock held to the end of the write's
-- transaction, and leaves a custom flag for that transaction only (set_config(..., true)).
CREATE FUNCTION one_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(NEW.user_id::text));
    PERFORM set_config('app.in_trigger', '1', true);
    RETURN NEW;
END $$;
CREATE TRIGGER orders_one_writer BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION one_writer();
