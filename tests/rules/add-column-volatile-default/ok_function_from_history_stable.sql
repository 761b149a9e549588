-- pgfence-test: schema=functions.schema
-- default_region() is declared STABLE, default_tier() made IMMUTABLE by ALTER FUNCTION: the
-- default is evaluated once and stored as the missing value, no rewrite (PostgreSQL 15).
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN region text DEFAULT default_region();
ALTER TABLE users ADD COLUMN tier text DEFAULT default_tier();
