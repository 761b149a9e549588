-- pgfence-test: schema=type_change.schema
-- A type change rewrites its table and rebuilds the foreign keys on it, which lock the tables they
-- join: no statement names two tables, so there is no statement to split (the outside DBA's
-- vaultwarden fix_attachments was told to split one).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE sessions ALTER COLUMN id TYPE numeric;
ALTER TABLE users ALTER COLUMN id TYPE numeric;
COMMIT;
