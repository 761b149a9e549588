-- path: db/migrations/0073_accounts_balance_check.sql
CREATE TABLE accounts (
    account_no text PRIMARY KEY,
    owner_name text NOT NULL,
    balance numeric(14,2) NOT NULL DEFAULT 0,
    credit_limit numeric(14,2),
    opened_on date
);
-- migration
ALTER TABLE accounts ADD CONSTRAINT accounts_balance_nonneg CHECK (balance >= 0);
