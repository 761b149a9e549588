-- pgfence-test: schema=app.schema
SET lock_timeout = '2s';
-- A few rows, released when the statement ends (autocommit).
SELECT id FROM users WHERE id = 1 FOR UPDATE;
-- A table this migration made: nobody else uses its rows.
CREATE TABLE jobs (id bigint PRIMARY KEY);
BEGIN;
SELECT * FROM jobs FOR UPDATE;
UPDATE jobs SET id = id + 1 WHERE id = 1;
COMMIT;
-- No locking clause.
BEGIN;
SELECT * FROM users;
SELECT 1;
COMMIT;
