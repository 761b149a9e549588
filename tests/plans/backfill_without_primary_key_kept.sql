-- path: db/migrations/0032_events_source.sql
CREATE TABLE events (occurred_at timestamptz NOT NULL, payload jsonb);
-- migration
ALTER TABLE events ADD COLUMN source text;
UPDATE events SET source = 'web' WHERE source IS NULL OR source = '';
