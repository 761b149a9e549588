-- SET SCHEMA moves the name: code that says accounts (through search_path) fails.
SET lock_timeout = '2s';
ALTER TABLE accounts SET SCHEMA archive;
