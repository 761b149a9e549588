-- pgfence-test: path=db/migrations/000042_add_invoice_due_date.up.sql
BEGIN;
ALTER TABLE invoices ADD COLUMN due_date date;
UPDATE invoices SET due_date = issued_at::date + 30 WHERE due_date IS NULL;
