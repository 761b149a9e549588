-- path: db/0002_add.sql
-- No history defines t: its triggers, rules and children are not known, so the UPDATE is not folded.
ALTER TABLE t ADD COLUMN c int DEFAULT 0;
UPDATE t SET c = 1;
