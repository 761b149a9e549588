-- pgfence-test: schema=typed.schema
SET lock_timeout = '2s';
-- No table is of type address; and a type of this migration's own with its new typed table.
ALTER TYPE address RENAME ATTRIBUTE city TO town CASCADE;
CREATE TYPE pet AS (name text, kind text);
CREATE TABLE pets OF pet;
ALTER TYPE pet RENAME ATTRIBUTE kind TO species CASCADE;
