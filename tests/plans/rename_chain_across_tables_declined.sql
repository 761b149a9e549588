-- path: db/migrations/0032_new_invoices.sql
CREATE TABLE invoices (id bigserial PRIMARY KEY, total numeric);
CREATE TABLE billing_documents (id bigserial PRIMARY KEY, total numeric, kind text);
-- migration
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE invoices RENAME TO legacy_invoices;
CREATE INDEX billing_documents_kind_idx ON billing_documents (kind);
ALTER TABLE billing_documents RENAME TO invoices;
COMMIT;
