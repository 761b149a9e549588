-- pgfence-test: schema=shop.schema
-- Built-ins with side effects reached through an operator or a cast (issue 53, red team I1). An
-- operator runs its function wherever an expression uses it; an implicit or assignment cast runs
-- its function in the application's own INSERTs and UPDATEs (PG15: `CREATE CAST (int AS mood) WITH
-- FUNCTION to_mood(int) AS ASSIGNMENT`, then `INSERT INTO m VALUES (1)` slept in to_mood's
-- pg_sleep; `CHECK ((### pid) IS NOT NULL)` with ### running pg_cancel_backend signalled on insert).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE OPERATOR ### (RIGHTARG = int, FUNCTION = pg_cancel_backend);
CREATE FUNCTION kill(int) RETURNS boolean LANGUAGE sql AS $$ SELECT pg_terminate_backend($1) $$;
CREATE OPERATOR !!! (RIGHTARG = int, PROCEDURE = kill);
CREATE TYPE mood AS (v int);
CREATE FUNCTION to_mood(int) RETURNS mood LANGUAGE sql AS $$ SELECT ROW($1 + 0 * length(pg_sleep(1)::text))::mood $$;
CREATE CAST (int AS mood) WITH FUNCTION to_mood(int) AS ASSIGNMENT;
CREATE CAST (bigint AS mood) WITH FUNCTION pg_advisory_lock(bigint) AS IMPLICIT;
-- The operator, made above, kept in a CHECK of orders: every insert of the application runs it.
ALTER TABLE orders ADD CONSTRAINT orders_total_op CHECK ((### total) IS NOT NULL) NOT VALID;
