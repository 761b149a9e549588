-- pgfence-test: schema=app.schema
SET lock_timeout = '2s';
-- Every row of users locked while the transaction sleeps: the application's inserts into orders
-- (their foreign-key checks) and its updates of users wait.
BEGIN;
SELECT id FROM users FOR UPDATE;
SELECT pg_sleep(25);
COMMIT;
-- Only the rows the WHERE selects, still held while the transaction goes on.
BEGIN;
SELECT 1 FROM users WHERE id > 0 FOR NO KEY UPDATE;
UPDATE users SET name = 'x' WHERE id = 1;
COMMIT;
-- Every row of orders, for the statement's run only (autocommit).
SELECT * FROM users u JOIN orders o ON o.user_id = u.id FOR SHARE OF o;
