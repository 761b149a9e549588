-- path: db/migrate/20240502101500_invoice_numbers.sql
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, issued_on date NOT NULL);
CREATE SEQUENCE invoice_number_seq;
-- migration
ALTER TABLE invoices ADD COLUMN number bigint;
UPDATE invoices SET number = nextval('invoice_number_seq') WHERE number IS NULL;
