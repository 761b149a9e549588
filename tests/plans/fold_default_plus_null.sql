-- path: db/0002_add.sql
CREATE TABLE t (id bigint PRIMARY KEY);
-- migration
-- "1 + NULL" is one expression: its NULL is not a NULL constraint.
ALTER TABLE t ADD COLUMN c int DEFAULT 1 + NULL;
UPDATE t SET c = 2;
