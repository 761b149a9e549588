-- path: db/migrations/0005_accounts_tier.sql
-- tool: psql
CREATE TABLE accounts (id bigint PRIMARY KEY, email text, created_at timestamptz);
-- migration
-- Every account gets a tier; new code always writes one, and the CHECK holds it to that.
BEGIN;
ALTER TABLE accounts ADD COLUMN tier text;
UPDATE accounts SET tier = 'free';
ALTER TABLE accounts ADD CONSTRAINT accounts_tier_present CHECK (tier IS NOT NULL);
CREATE INDEX accounts_email_idx ON accounts (email);
COMMIT;
