-- pgfence-test: schema=functions.schema
-- make_code() was created IMMUTABLE, then ALTER FUNCTION made it VOLATILE: PostgreSQL 15
-- rewrites the table (a plpgsql function is never inlined).
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN code text DEFAULT make_code();
