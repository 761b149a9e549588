BEGIN;
SET LOCAL lock_timeout = '2s';
LOCK TABLE users IN ACCESS EXCLUSIVE MODE;
LOCK TABLE app.orders, payments IN SHARE MODE;
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
LOCK users;
