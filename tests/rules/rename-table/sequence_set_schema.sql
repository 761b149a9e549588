-- pgfence-test: schema=seqs.schema
SET lock_timeout = '2s';
-- The application calls nextval('invoice_numbers') by name: it fails once the sequence moves.
CREATE SCHEMA archive;
ALTER SEQUENCE invoice_numbers SET SCHEMA archive;
ALTER TABLE users_id_seq SET SCHEMA archive;
