-- A view swap, then a statement that is no part of it: that one still runs under the lock the
-- rename took, and is reported; its fix ends the transaction after the view, not between the
-- rename and the view.
BEGIN;
ALTER TABLE users RENAME TO users_base;
ALTER TABLE users_base RENAME COLUMN name TO full_name;
CREATE VIEW users AS SELECT *, full_name AS name FROM users_base;
ALTER TABLE users_base ADD COLUMN nickname text;
COMMIT;
