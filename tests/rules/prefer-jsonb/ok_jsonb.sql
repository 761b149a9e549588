CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload jsonb NOT NULL,
    -- a type of the application's own that happens to be called json
    raw app.json
);
ALTER TABLE events ADD COLUMN meta jsonb DEFAULT '{}';
ALTER TABLE audit ALTER COLUMN body TYPE jsonb USING body::jsonb;
