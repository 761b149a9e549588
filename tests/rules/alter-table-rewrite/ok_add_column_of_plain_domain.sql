-- pgfence-test: schema=domains.schema
-- A domain without constraints, and a new table's column of the constrained one: no rewrite.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE users ADD COLUMN nick label;
CREATE TABLE scores (id bigint PRIMARY KEY);
ALTER TABLE scores ADD COLUMN points posint;
