-- A lock on a table this migration creates blocks no one.
BEGIN;
CREATE TABLE import_batches (id bigint PRIMARY KEY, loaded_at timestamptz);
LOCK TABLE import_batches IN ACCESS EXCLUSIVE MODE;
INSERT INTO import_batches VALUES (1, now());
COMMIT;
