-- pgfence-test: schema=shop.schema
-- Everyday stored calls (new values, reads), the same built-ins run once by the migration itself,
-- kept in a table this migration makes (judged where its statements use it), or in a function
-- nothing stores.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE orders ALTER COLUMN note SET DEFAULT md5(random()::text || clock_timestamp()::text);
ALTER TABLE orders ALTER COLUMN total SET DEFAULT nextval('users_id_seq');
ALTER TABLE users ADD CONSTRAINT users_email CHECK (length(email) > 3 AND email = lower(email)) NOT VALID;
CREATE INDEX CONCURRENTLY users_lower_email ON users (lower(email));
SELECT pg_advisory_xact_lock(42);
SELECT set_config('lock_timeout', '5s', true);
CREATE TABLE drafts (id bigint PRIMARY KEY, n text DEFAULT pg_sleep(0)::text, CHECK (pg_advisory_lock(1) IS NOT NULL));
CREATE FUNCTION holds() RETURNS void LANGUAGE sql AS $$ SELECT pg_advisory_lock(7) $$;
