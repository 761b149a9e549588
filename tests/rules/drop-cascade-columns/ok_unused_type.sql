-- pgfence-test: schema=shop.schema
-- The schema is known and no column uses the type; without CASCADE PostgreSQL refuses instead.
SET lock_timeout = '2s';
DROP TYPE unused_kind CASCADE;
DROP TYPE mood;
