-- pgfence's own plan for a column rename (newcomer nw71 N3): the table renamed away, its column
-- renamed, a view made under the old name, in one transaction. Split, every query on users
-- fails between the rename and the view: no finding advises it.
BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users RENAME TO users_base;
ALTER TABLE users_base RENAME COLUMN name TO full_name;
CREATE VIEW users AS SELECT *, full_name AS name FROM users_base;
COMMIT;
