-- pgfence-test: schema=publications.schema
-- Tables with a primary key or a replica identity, a publication of inserts only, a table taken
-- out, and DEFAULT on a table with a primary key.
SET lock_timeout = '2s';
ALTER PUBLICATION analytics ADD TABLE devices;
ALTER PUBLICATION analytics SET TABLE users, devices;
ALTER PUBLICATION feed ADD TABLE events;
ALTER PUBLICATION analytics DROP TABLE users;
ALTER TABLE events REPLICA IDENTITY FULL;
ALTER PUBLICATION analytics ADD TABLE events;
ALTER TABLE users REPLICA IDENTITY DEFAULT;
