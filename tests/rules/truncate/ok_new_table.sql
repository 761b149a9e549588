CREATE TABLE import_batch (id bigint, payload jsonb);
INSERT INTO import_batch SELECT id, payload FROM raw_import;
TRUNCATE import_batch;
