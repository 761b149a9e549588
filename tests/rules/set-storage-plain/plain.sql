-- pgfence-test: schema=docs.schema
-- PLAIN on columns whose values can outgrow a page: every write of a large value fails "row is too big".
SET lock_timeout = '2s';
ALTER TABLE docs ALTER COLUMN body SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN payload SET STORAGE plain, ALTER COLUMN tags SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN note SET STORAGE PLAIN;
ALTER TABLE ONLY docs ALTER blob SET STORAGE PLAIN;
ALTER TABLE docs ALTER COLUMN price SET STORAGE PLAIN;
-- A table the migrations do not show: its column's type is not known (MEDIUM).
ALTER TABLE legacy ALTER COLUMN data SET STORAGE PLAIN;
-- A new column (PostgreSQL 16): the running release does not write it yet (MEDIUM).
ALTER TABLE docs ADD COLUMN summary text STORAGE PLAIN;
