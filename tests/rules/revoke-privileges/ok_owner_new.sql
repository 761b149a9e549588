-- Objects made earlier in this migration: no running code relies on their owner yet.
SET lock_timeout = '2s';
CREATE SCHEMA reporting;
ALTER SCHEMA reporting OWNER TO reporter;
CREATE TABLE reporting.snapshots (id bigint PRIMARY KEY, taken_at timestamptz NOT NULL);
ALTER TABLE reporting.snapshots OWNER TO reporter;
CREATE SEQUENCE reporting.snapshot_ids;
ALTER SEQUENCE reporting.snapshot_ids OWNER TO reporter;
CREATE VIEW reporting.latest AS SELECT * FROM reporting.snapshots;
ALTER VIEW reporting.latest OWNER TO reporter;
CREATE FUNCTION reporting.taken(bigint) RETURNS timestamptz LANGUAGE sql AS 'SELECT taken_at FROM reporting.snapshots WHERE id = $1';
ALTER FUNCTION reporting.taken(bigint) OWNER TO reporter;
