-- path: db/0002_add.sql
CREATE TABLE p (id bigint PRIMARY KEY, touched int NOT NULL DEFAULT 0);
CREATE TABLE ch () INHERITS (p);
-- migration
-- UPDATE ONLY leaves the child's rows with 'old'; a DEFAULT 'new' would give them 'new'.
ALTER TABLE p ADD COLUMN flag text DEFAULT 'old';
UPDATE ONLY p SET flag = 'new';
