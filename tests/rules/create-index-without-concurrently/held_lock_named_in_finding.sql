SET lock_timeout = '2s';
BEGIN;
ALTER TABLE accounts RENAME COLUMN name TO display_name;
CREATE INDEX index_memberships_on_account_id ON memberships (account_id);
COMMIT;
