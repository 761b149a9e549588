-- pgfence-test: schema=callers.schema
-- Functions no existing object calls, and changes that alter no result: nothing to judge.
SET lock_timeout = '2s';
CREATE FUNCTION report_total() RETURNS numeric LANGUAGE sql AS 'SELECT sum(total) FROM orders';
CREATE OR REPLACE FUNCTION report_total() RETURNS numeric LANGUAGE sql AS 'SELECT coalesce(sum(total), 0) FROM orders';
ALTER FUNCTION report_total() SECURITY DEFINER;
ALTER FUNCTION norm_email() COST 10;
CREATE OR REPLACE FUNCTION can_see(uid bigint) RETURNS bool LANGUAGE sql AS 'SELECT uid > 0';
