CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload json NOT NULL,
    history pg_catalog.json[]
);

ALTER TABLE events ADD COLUMN meta json DEFAULT '{}';

ALTER TABLE audit ALTER COLUMN body TYPE json USING body::json;
