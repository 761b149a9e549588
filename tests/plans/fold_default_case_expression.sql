-- path: db/0002_add.sql
CREATE TABLE t (id bigint PRIMARY KEY);
-- migration
-- ELSE NULL END is inside the DEFAULT's expression, not a NULL constraint after it.
ALTER TABLE t ADD COLUMN c int DEFAULT CASE WHEN true THEN 1 ELSE NULL END;
UPDATE t SET c = 2;
