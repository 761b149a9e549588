-- path: db/migrations/0107_users_email_normalized.sql
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text, created_at timestamptz NOT NULL DEFAULT now());
-- migration
ALTER TABLE users ADD COLUMN email_normalized text;
UPDATE users SET email_normalized = lower(trim(email)) WHERE email_normalized IS NULL;
