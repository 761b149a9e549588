CREATE TABLE readings (id bigint, taken_at timestamptz);
CREATE INDEX readings_taken_idx ON readings (taken_at);
CLUSTER readings USING readings_taken_idx;
ALTER TABLE events CLUSTER ON events_created_at_idx;
