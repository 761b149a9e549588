-- pgfence-test: schema=shop.schema
-- PostgreSQL's own functions that lock, kill, sleep, change the session or move a sequence, kept
-- where every later INSERT or UPDATE of the application runs them (red team h1 item 2, PG15 repro:
-- the second inserter waits for good, every insert kills its own connection, the session's
-- search_path is emptied, the session turns read-only, users' next ids collide).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE orders ADD CONSTRAINT orders_serial CHECK (length(pg_advisory_lock(1)::text) = 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_term CHECK (pg_terminate_backend(pg_backend_pid()) IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_path CHECK (set_config('search_path', 'nowhere', false) IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_ro CHECK (pg_catalog.set_config('default_transaction_read_only', 'on', false) IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_seq CHECK (setval('users_id_seq', 1) > 0) NOT VALID;
ALTER TABLE orders ALTER COLUMN note SET DEFAULT length(pg_sleep(10)::text)::text;
ALTER DOMAIN posint ADD CONSTRAINT posint_lock CHECK (length(pg_advisory_lock(1)::text) = 0) NOT VALID;
CREATE TRIGGER orders_guard BEFORE INSERT ON orders FOR EACH ROW WHEN (pg_terminate_backend(pg_backend_pid())) EXECUTE FUNCTION touch();
ALTER POLICY users_all ON users USING (pg_sleep(1) IS NOT NULL);
-- Through functions of the migration whose bodies only call them (no write: not stored-call-writes).
CREATE FUNCTION lk(bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT $1 + length(pg_advisory_lock(1)::text) $$;
CREATE INDEX CONCURRENTLY orders_lk ON orders (lk(user_id));
CREATE FUNCTION ok_row() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN true; END $$;
CREATE FUNCTION checked() RETURNS boolean LANGUAGE sql AS $$ SELECT ok_row() $$;
ALTER TABLE users ADD CONSTRAINT users_ok CHECK (checked()) NOT VALID;
