-- pgfence-test: schema=app.schema
-- A new table's default, and defaults replaced rather than dropped.
SET lock_timeout = '2s';
CREATE TABLE invoices (id bigserial PRIMARY KEY, status text NOT NULL DEFAULT 'open');
ALTER TABLE invoices ALTER COLUMN status DROP DEFAULT;
ALTER TABLE users ALTER COLUMN plan DROP DEFAULT, ALTER COLUMN plan SET DEFAULT 'trial';
ALTER TABLE users ALTER COLUMN active DROP DEFAULT;
ALTER TABLE users ALTER COLUMN active SET DEFAULT false;
ALTER TABLE users ALTER COLUMN plan SET DEFAULT 'basic';
ALTER TABLE users ADD COLUMN paid boolean NOT NULL DEFAULT false;
ALTER TABLE users ALTER COLUMN paid DROP DEFAULT;
