-- path: db/0002_fill.sql
CREATE SCHEMA other;
CREATE TABLE other.t (id bigint PRIMARY KEY, c int);
CREATE TABLE t (id bigint PRIMARY KEY, c int);
-- migration
-- The UPDATE fills other.t; a walk run out of band, without this SET, would fill public.t.
SET search_path = other, public;
UPDATE t SET c = 1;
