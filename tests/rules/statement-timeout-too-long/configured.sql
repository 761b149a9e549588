-- pgfence-test: max-statement-timeout-ms=60000
SET statement_timeout = '5min';
ALTER TABLE users ALTER COLUMN id TYPE bigint;
