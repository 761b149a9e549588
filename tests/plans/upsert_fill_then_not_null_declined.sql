-- path: db/migrations/0042_users_email_required.sql
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
-- migration
SET lock_timeout = '2s';
-- Give every account without an address the placeholder, then require one.
INSERT INTO users (id, email)
SELECT id, 'unknown-' || id || '@example.invalid' FROM users WHERE email IS NULL
ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
