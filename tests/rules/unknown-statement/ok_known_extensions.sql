-- Extensions PostgreSQL ships (contrib, languages) and pgvector: their install scripts only make
-- the extension's own objects.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION earthdistance CASCADE;
CREATE EXTENSION vector;
CREATE EXTENSION plperl;
