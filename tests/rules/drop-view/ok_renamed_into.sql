-- pgfence-test: schema=reports.schema
-- The compatibility view goes as the table it stood for takes its name (outline's
-- rename-collection-groups): what the application reads under that name stays.
SET lock_timeout = '2s';
BEGIN;
DROP VIEW IF EXISTS group_permissions;
ALTER TABLE collection_groups RENAME TO group_permissions;
COMMIT;
