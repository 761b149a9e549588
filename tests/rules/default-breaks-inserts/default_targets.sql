-- pgfence-test: schema=targets.schema
-- current_setting(name, true) is NULL in a session without the setting: a NOT NULL column refuses
-- every insert that leaves it out (PostgreSQL 15: "null value in column "region" ... violates
-- not-null constraint"); a column pgfence does not know is MEDIUM.
SET lock_timeout = '2s';
ALTER TABLE tickets ALTER COLUMN region SET DEFAULT current_setting('app.region', true);
ALTER TABLE tickets ALTER COLUMN region SET DEFAULT lower(current_setting('app.region', 't'::boolean));
ALTER TABLE legacy ALTER COLUMN region SET DEFAULT current_setting('app.region', true);
-- A constant on a foreign key's column: the referenced table must hold it (PostgreSQL 15: "violates
-- foreign key constraint"); pgfence does not see its rows (MEDIUM).
ALTER TABLE users ALTER COLUMN org_id SET DEFAULT 0;
