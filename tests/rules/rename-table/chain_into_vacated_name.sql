-- Billing: the old invoices table is kept as legacy_invoices and the new documents table takes its name.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE invoices RENAME TO legacy_invoices;
ALTER TABLE billing_documents RENAME TO invoices;
ALTER VIEW open_invoices RENAME TO open_legacy_invoices;
ALTER VIEW open_documents RENAME TO open_invoices;
COMMIT;
