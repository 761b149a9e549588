-- pgfence-test: schema=billing_tables.schema
-- search_paths every database gets from the next reload (ALTER SYSTEM), or the migration's own made
-- a role's default (FROM CURRENT): a table made in public, which they list before billing, shadows
-- billing's table of that name for their sessions.
SET lock_timeout = '2s';
ALTER SYSTEM SET search_path = public, billing;
CREATE TABLE invoices (id bigserial PRIMARY KEY, amount numeric);
SET search_path = public, billing;
ALTER ROLE worker SET search_path FROM CURRENT;
RESET search_path;
CREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric);
