-- path: db/migrations/0064_invoice_currency.sql
CREATE TABLE invoices (id bigserial PRIMARY KEY, total_cents bigint NOT NULL);
CREATE TABLE invoice_currencies (invoice_id bigint PRIMARY KEY, currency text NOT NULL);
-- migration
ALTER TABLE invoices ADD COLUMN currency text DEFAULT 'EUR';
UPDATE invoices SET currency = 'EUR' WHERE currency IS NULL OR currency = '';
INSERT INTO invoice_currencies (invoice_id, currency) SELECT id, coalesce(currency, 'EUR') FROM invoices ON CONFLICT (invoice_id) DO NOTHING;
