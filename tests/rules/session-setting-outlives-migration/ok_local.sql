-- pgfence-test: schema=shop.schema
BEGIN;
SET LOCAL session_replication_role = replica;
SELECT set_config('search_path', 'archive', true);
INSERT INTO audit_log (id, message) VALUES (1, 'imported');
COMMIT;
