-- pgfence-test: schema=shop.schema
-- A type no column has, and a type and table made here.
SET lock_timeout = '2s';
ALTER TYPE unused RENAME ATTRIBUTE a TO first;
CREATE TYPE point3 AS (x int, y int);
CREATE TABLE shapes (id bigint, corner point3);
ALTER TYPE point3 RENAME ATTRIBUTE x TO left_x;
