-- A view keeps the old name working.
SET lock_timeout = '2s';
ALTER TABLE accounts SET SCHEMA archive;
CREATE VIEW accounts AS SELECT * FROM archive.accounts;
