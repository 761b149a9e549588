-- pgfence-test: schema=app.schema
-- Defaults the running release's inserts rely on, dropped.
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN id DROP DEFAULT;
ALTER TABLE users ALTER COLUMN active DROP DEFAULT;
ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;
ALTER TABLE accounts ALTER COLUMN status DROP DEFAULT;
ALTER TABLE users ALTER COLUMN email DROP DEFAULT;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE uploads ALTER COLUMN owner DROP DEFAULT;
