-- pgfence-test: schema=reports.schema
-- A "cleanup" that drops a view the application still reads.
SET lock_timeout = '2s';
DROP VIEW user_balances;
DROP MATERIALIZED VIEW IF EXISTS balance_totals;
