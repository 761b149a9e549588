-- pgfence-test: schema=events.schema
-- TRUNCATE empties public.events, not archive.events: the index on the archive is a full build.
BEGIN;
SET lock_timeout = '2s';
TRUNCATE events;
CREATE INDEX archive_events_kind_idx ON archive.events (kind);
COMMIT;
