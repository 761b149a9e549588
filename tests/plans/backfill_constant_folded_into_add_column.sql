-- path: db/migrations/0042_add_notifications_enabled.sql
CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
-- migration
-- New accounts get notifications by default; existing accounts keep them off until they opt in.
ALTER TABLE accounts ADD COLUMN notifications_enabled boolean NOT NULL DEFAULT true;
UPDATE accounts SET notifications_enabled = false;
