-- pgfence-test: schema=two_schemas.schema
-- Two tables named invoices, billing's made first: the ALTER of billing.invoices is judged against
-- billing's columns (ref integer to text rewrites), not against public's made later (red team R67
-- A16: PostgreSQL 15 rewrote billing.invoices).
SET lock_timeout = '2s';
ALTER TABLE billing.invoices ALTER COLUMN ref TYPE text;
