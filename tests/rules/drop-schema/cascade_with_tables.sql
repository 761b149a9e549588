-- pgfence-test: schema=reporting.schema
-- The migrations made tables in "reporting": CASCADE deletes them with their rows (CRITICAL,
-- naming them). A schema they made none in is HIGH (restrict_and_cascade).
SET lock_timeout = '2s';
DROP SCHEMA reporting CASCADE;
