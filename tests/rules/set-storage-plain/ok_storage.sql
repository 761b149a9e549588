-- pgfence-test: schema=docs.schema
-- Other strategies keep out-of-line storage; PLAIN on a type of fixed length or a short bounded one
-- changes nothing that can overflow; a table made here has no writer yet.
SET lock_timeout = '2s';
ALTER TABLE docs ALTER COLUMN body SET STORAGE MAIN;
ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE docs ALTER COLUMN payload SET STORAGE EXTENDED;
ALTER TABLE docs ALTER COLUMN n SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN title SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN amount SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN created SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN code SET STORAGE PLAIN;
ALTER TABLE docs ADD COLUMN flags int STORAGE PLAIN;
ALTER TABLE docs ADD COLUMN extra text STORAGE MAIN;
CREATE TABLE drafts (id bigint PRIMARY KEY, body text);
ALTER TABLE drafts ALTER COLUMN body SET STORAGE PLAIN;
