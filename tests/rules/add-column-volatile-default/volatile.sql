SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE users ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();
ALTER TABLE app.orders ADD COLUMN ref text DEFAULT md5(random()::text) UNIQUE;
