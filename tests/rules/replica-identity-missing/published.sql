-- pgfence-test: schema=app.schema
-- Publications of a table without a replica identity, and a replica identity taken away.
SET lock_timeout = '2s';
CREATE PUBLICATION everything FOR ALL TABLES;
CREATE PUBLICATION audit FOR TABLE audit_log;
ALTER TABLE users REPLICA IDENTITY NOTHING;
