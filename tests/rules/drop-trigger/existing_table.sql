SET lock_timeout = '2s';
DROP TRIGGER users_audit ON users;
DROP TRIGGER IF EXISTS "OrdersTouch" ON app.orders;
