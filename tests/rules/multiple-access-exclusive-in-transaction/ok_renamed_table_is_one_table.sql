-- harbor's 0004: a table renamed and then changed in one transaction is one table under two
-- names, not two tables locked together.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE harbor_user RENAME TO harbor_users;
ALTER TABLE harbor_users ADD COLUMN email text;
ALTER TABLE harbor_users ADD COLUMN realname text;
COMMIT;
