-- pgfence-test: schema=functions.schema
-- default_plan() is VOLATILE by default, but PostgreSQL inlines its lone SELECT 'free' and the
-- default is a constant; default_region() is declared STABLE: neither rewrites (PostgreSQL 15).
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN plan text DEFAULT default_plan();
ALTER TABLE users ADD COLUMN region text DEFAULT default_region();
