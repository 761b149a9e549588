CREATE TABLE events (
    id bigint PRIMARY KEY,
    created_at timestamp NOT NULL DEFAULT now(),
    processed_at timestamp(3) without time zone
);
ALTER TABLE events ADD COLUMN deleted_at timestamp without time zone;
ALTER TABLE events ALTER COLUMN created_at TYPE timestamp(6);
