-- pgfence-test: schema=seqs.schema
SET lock_timeout = '2s';
-- ALTER TABLE naming a view moves the view: rename-view reports it, not rename-table.
CREATE SCHEMA archive;
ALTER TABLE v_things SET SCHEMA archive;
-- A sequence this migration makes.
CREATE SEQUENCE fresh_numbers;
ALTER SEQUENCE fresh_numbers SET SCHEMA archive;
