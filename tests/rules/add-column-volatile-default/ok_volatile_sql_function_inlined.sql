-- pgfence-test: schema=functions.schema
-- ente's usage columns: now_utc_micro_seconds() is declared VOLATILE (no volatility written),
-- but PostgreSQL inlines its one-expression SQL body, whose now() is STABLE: the default is
-- evaluated once and stored as the missing value, no rewrite (conformance case
-- add_column_default_volatile_sql_function_inlined on PostgreSQL 15).
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN last_used_at bigint NOT NULL DEFAULT now_utc_micro_seconds();
