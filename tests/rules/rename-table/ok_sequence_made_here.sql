-- pgfence-test: schema=seqs.schema
-- A sequence this file creates, and one renamed out of the way and replaced by a new one of the old name.
SET lock_timeout = '2s';
CREATE SEQUENCE batch_numbers;
ALTER SEQUENCE batch_numbers RENAME TO batch_ids;
ALTER SEQUENCE invoice_numbers RENAME TO invoice_numbers_old;
CREATE SEQUENCE invoice_numbers START 100000;
