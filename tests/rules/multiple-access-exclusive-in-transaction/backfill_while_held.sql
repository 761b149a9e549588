SET lock_timeout = '2s';
BEGIN;
ALTER TABLE accounts ADD COLUMN billing_email text;
ALTER TABLE users ADD COLUMN account_owner boolean;
UPDATE accounts SET billing_email = users.email FROM users WHERE users.account_id = accounts.id;
COMMIT;
