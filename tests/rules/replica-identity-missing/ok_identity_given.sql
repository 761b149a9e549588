-- pgfence-test: schema=app.schema
-- Tables with a primary key, a replica identity given first, inserts only, a new table.
SET lock_timeout = '2s';
CREATE PUBLICATION users_pub FOR TABLE users;
ALTER TABLE audit_log REPLICA IDENTITY FULL;
CREATE PUBLICATION audit FOR TABLE audit_log;
CREATE PUBLICATION audit_inserts FOR TABLE audit_log WITH (publish = 'insert');
ALTER TABLE users REPLICA IDENTITY FULL;
CREATE TABLE events (id bigint);
ALTER TABLE events REPLICA IDENTITY NOTHING;
