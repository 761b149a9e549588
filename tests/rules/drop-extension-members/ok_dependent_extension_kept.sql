-- pgfence-test: schema=shop.schema
-- Without CASCADE PostgreSQL refuses to drop cube while earthdistance requires it ("extension
-- earthdistance depends on extension cube"): nothing is dropped. And an extension that requires
-- nothing pgfence knows, with no member of the application's, dropped with CASCADE.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE EXTENSION IF NOT EXISTS earthdistance CASCADE;
ALTER EXTENSION earthdistance ADD TABLE users;
DROP EXTENSION cube;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP EXTENSION pg_trgm CASCADE;
