-- pgfence-test: enable=application-name-missing
SET application_name = 'migration-0042';
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
