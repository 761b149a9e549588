-- pgfence-test: schema=publications.schema
-- Publishing events (no primary key) through existing publications: by name, by schema, and by
-- turning on the updates and deletes of a publication that already names it.
SET lock_timeout = '2s';
ALTER PUBLICATION analytics ADD TABLE events;
ALTER PUBLICATION analytics ADD TABLES IN SCHEMA public;
ALTER PUBLICATION other SET TABLE events;
ALTER PUBLICATION feed ADD TABLE events;
ALTER PUBLICATION feed SET (publish = 'insert, update, delete');
CREATE PUBLICATION schema_pub FOR TABLES IN SCHEMA public;
