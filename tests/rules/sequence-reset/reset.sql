-- pgfence-test: schema=invoices.schema
-- "Start invoice numbers from 1 again" on a table that holds invoices.
SET lock_timeout = '2s';
SELECT setval('invoices_id_seq', 1, false);
ALTER SEQUENCE invoice_numbers RESTART WITH 1000;
