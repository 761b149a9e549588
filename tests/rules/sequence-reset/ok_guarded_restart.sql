-- pgfence-test: schema=invoices.schema
-- The fix sequence-reset gives for ALTER SEQUENCE invoice_numbers RESTART WITH 1000 that is meant
-- to move the sequence forward (ente's 24_bump_ids, a DBA's review): the move kept, never below
-- the table's keys. A computed value: quiet.
SET lock_timeout = '2s';
SELECT setval('invoice_numbers', GREATEST(1000, (SELECT max(id) + 1 FROM invoices)), false);
