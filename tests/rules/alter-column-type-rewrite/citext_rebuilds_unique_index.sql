-- pgfence-test: schema=accounts.schema
-- Case-insensitive logins: make the email column citext.
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN email TYPE citext;
