-- pgfence-test: schema=shop.schema
-- A type no column has, a typed table's type (judged as ALTER TABLE on it), a type and table made here.
SET lock_timeout = '2s';
ALTER TYPE unused ADD ATTRIBUTE c int;
ALTER TYPE person ADD ATTRIBUTE email text CASCADE;
CREATE TYPE point3 AS (x int, y int);
CREATE TABLE shapes (id bigint, corner point3);
ALTER TYPE point3 ADD ATTRIBUTE z int;
