-- pgfence-test: schema=checks.schema
-- Defaults a CHECK of the table rejects: every INSERT that leaves the column out fails "violates
-- check constraint" (PostgreSQL 15: SET DEFAULT -1 with CHECK (qty >= 0), then INSERT without
-- qty; red team R67 A12). ADD COLUMN with such a default fails on a table with rows.
SET lock_timeout = '2s';
ALTER TABLE stock ALTER COLUMN qty SET DEFAULT -1;
ALTER TABLE stock ALTER COLUMN status SET DEFAULT 'pending';
ALTER TABLE stock ALTER COLUMN price SET DEFAULT 0;
ALTER TABLE stock ADD COLUMN reserved int NOT NULL DEFAULT 0 CHECK (reserved > 0);
ALTER TABLE stock ADD COLUMN level int DEFAULT 0, ADD CONSTRAINT level_range CHECK (level BETWEEN 1 AND 5) NOT VALID;
