-- Rails: rename a column, then instant catalog changes only.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users OWNER TO app_owner;
COMMENT ON COLUMN users.full_name IS 'as the user typed it';
GRANT SELECT ON users TO reporting;
ALTER TABLE users ADD COLUMN preferred_name text;
COMMIT;
