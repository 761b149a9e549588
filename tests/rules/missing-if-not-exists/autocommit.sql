-- No transaction: each statement commits on its own, so a failure half way leaves the
-- earlier ones applied and the next run trips over them.
CREATE SCHEMA billing;
CREATE EXTENSION pg_trgm;
CREATE SEQUENCE billing.invoice_numbers;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, number bigint);
CREATE MATERIALIZED VIEW billing.totals AS SELECT count(*) FROM billing.invoices;
CREATE INDEX CONCURRENTLY invoices_number_idx ON billing.invoices (number);
CREATE INDEX ON billing.invoices (id, number);
ALTER TABLE users ADD COLUMN nickname text, DROP COLUMN legacy_name, DROP CONSTRAINT users_legacy_check;
DROP INDEX CONCURRENTLY users_old_idx;
DROP TABLE old_users, "Old Sessions";
DROP TYPE mood;
DROP TRIGGER audit_users ON users;
