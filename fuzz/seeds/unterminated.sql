;uALTER TABLE t ADD COLUMN c int;
SELECT 'unterminated; ALTER TABLE x ADD COLUMN y int;
