CREATE TABLE events (
    id bigint PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamp(3) with time zone,
    day date,
    starts time
);
ALTER TABLE events ADD COLUMN deleted_at timestamptz;
ALTER TABLE events ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';
