-- path: db/migrations/000031_accounts_status_required.up.sql
CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    email text NOT NULL,
    legacy_status text,
    status text
);
-- migration
UPDATE accounts SET status = legacy_status WHERE status IS NULL;
ALTER TABLE accounts ADD CONSTRAINT accounts_status_present CHECK (status IS NOT NULL);
ALTER TABLE accounts DROP COLUMN legacy_status;
