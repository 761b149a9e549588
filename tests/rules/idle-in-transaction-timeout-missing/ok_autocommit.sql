-- pgfence-test: enable=idle-in-transaction-timeout-missing
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
