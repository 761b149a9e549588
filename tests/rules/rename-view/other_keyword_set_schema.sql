-- pgfence-test: schema=shop.schema
-- ALTER TABLE ... SET SCHEMA of a view and of a materialized view moves them (PostgreSQL's
-- AlterTableNamespace accepts any relation under ALTER TABLE).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE SCHEMA archive;
ALTER TABLE v_users SET SCHEMA archive;
ALTER TABLE order_totals SET SCHEMA archive;
