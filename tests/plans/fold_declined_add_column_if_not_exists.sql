-- path: db/0002_fill.sql
CREATE TABLE t (id bigint PRIMARY KEY, c int);
-- migration
-- The column may exist already (it does here): the ADD is then a no-op and only the UPDATE fills it,
-- so the UPDATE must not become the added column's DEFAULT.
ALTER TABLE t ADD COLUMN IF NOT EXISTS c int DEFAULT 0;
UPDATE t SET c = 0;
