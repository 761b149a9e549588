-- path: db/0002_add.sql
CREATE SCHEMA other;
CREATE TABLE t (id bigint PRIMARY KEY);
CREATE TABLE other.t (id bigint PRIMARY KEY, c int);
-- migration
-- After the SET, "t" is other.t: the UPDATE fills other.t.c, not the column just added to public.t.
ALTER TABLE t ADD COLUMN c int DEFAULT 0;
SET search_path = other, public;
UPDATE t SET c = 1;
