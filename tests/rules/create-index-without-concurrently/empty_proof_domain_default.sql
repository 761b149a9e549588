-- pgfence-test: schema=events.schema
-- A domain's DEFAULT fills the new NOT NULL column on every row: the table was not empty.
BEGIN;
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN source event_source NOT NULL;
CREATE INDEX events_source_idx ON events (source);
COMMIT;
