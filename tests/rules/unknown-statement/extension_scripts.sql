-- CREATE EXTENSION of an extension whose install script pgfence does not know, and ALTER EXTENSION
-- ... UPDATE (its update scripts): SQL pgfence never read (red team R68 B15).
SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE EXTENSION IF NOT EXISTS pg_partman;
CREATE EXTENSION acme_audit;
ALTER EXTENSION timescaledb UPDATE;
ALTER EXTENSION postgis UPDATE TO '3.4.0';
ALTER EXTENSION pg_trgm UPDATE;
