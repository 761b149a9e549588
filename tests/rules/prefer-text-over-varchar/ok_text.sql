CREATE TABLE users (
    id bigint PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) <= 100),
    -- no limit: nothing to change later
    email varchar,
    bio character varying
);
ALTER TABLE users ADD COLUMN country text;
ALTER TABLE users ALTER COLUMN email TYPE text;
