-- pgfence-test: schema=shop.schema
SET session_replication_role = replica;
INSERT INTO audit_log (id, message) VALUES (1, 'imported');
SET search_path = archive;
RESET session_replication_role;
SET search_path TO DEFAULT;
