-- path: db/migrations/000051_users_email_unique.up.sql
CREATE TABLE users (
    user_id uuid PRIMARY KEY,
    email text,
    display_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    login_count integer DEFAULT 0
);
-- migration
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
