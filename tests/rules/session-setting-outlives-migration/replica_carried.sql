-- pgfence-test: schema=shop.schema
-- A "fast import" migration that leaves replica on: the next migration of the deploy runs on the
-- same connection, its writes unchecked by any foreign key.
SET session_replication_role = replica;
INSERT INTO audit_log (id, message) VALUES (1, 'imported');
