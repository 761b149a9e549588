SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE profiles RENAME COLUMN name TO display_name;
ALTER TABLE profiles OWNER TO app_owner;
COMMIT;
