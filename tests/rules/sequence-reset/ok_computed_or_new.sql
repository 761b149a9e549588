-- pgfence-test: schema=invoices.schema
SET lock_timeout = '2s';
SELECT setval('invoices_id_seq', (SELECT max(id) FROM invoices));
CREATE TABLE receipts (id bigserial PRIMARY KEY);
SELECT setval('receipts_id_seq', 100);
CREATE SEQUENCE ticket_numbers;
ALTER SEQUENCE ticket_numbers RESTART WITH 10;
