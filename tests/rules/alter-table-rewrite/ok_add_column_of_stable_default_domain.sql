-- pgfence-test: schema=domains.schema
SET lock_timeout = '2s';
-- A domain whose DEFAULT is a constant or stable: stored once, no rewrite.
CREATE DOMAIN stamp AS timestamptz DEFAULT now();
CREATE DOMAIN five AS int DEFAULT 5;
ALTER TABLE users ADD COLUMN created stamp, ADD COLUMN n five;
