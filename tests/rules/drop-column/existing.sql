SET lock_timeout = '2s';
ALTER TABLE users DROP COLUMN legacy_flag;
ALTER TABLE app.orders DROP COLUMN IF EXISTS "ShipNote", DROP COLUMN coupon CASCADE;
