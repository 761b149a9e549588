-- pgfence-test: schema=shop.schema
-- A comment between a built-in's name and its '(' is blank to PostgreSQL: the call runs (red team
-- I1 SB_COMMENT, PG15: every insert into orders kills its own connection).
CREATE FUNCTION ok_row() RETURNS boolean LANGUAGE sql AS $$ SELECT pg_terminate_backend/**/(pg_backend_pid()) $$;
ALTER TABLE orders ADD CONSTRAINT orders_ok CHECK (ok_row()) NOT VALID;
CREATE FUNCTION lk() RETURNS boolean LANGUAGE sql AS $$ SELECT pg_advisory_lock -- the lock
  /* nested /* comment */ still */ (42) IS NULL $$;
ALTER TABLE users ADD CONSTRAINT users_lk CHECK (lk()) NOT VALID;
