-- pgfence-test: schema=seqs.schema
-- The application calls nextval('invoice_numbers') by name: it fails once the sequence is renamed
-- (ALTER SEQUENCE, or ALTER TABLE on a sequence); the columns' DEFAULTs store the sequence itself.
SET lock_timeout = '2s';
ALTER SEQUENCE invoice_numbers RENAME TO invoice_number_seq;
ALTER TABLE users_id_seq RENAME TO users_ids;
