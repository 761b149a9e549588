-- pgfence-test: schema=reports.schema
SET lock_timeout = '2s';
CREATE VIEW recent_users AS SELECT id FROM users;
DROP VIEW recent_users;
