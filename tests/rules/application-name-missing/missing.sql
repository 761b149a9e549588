-- pgfence-test: enable=application-name-missing
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
