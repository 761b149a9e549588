-- migrate:up
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE profiles RENAME COLUMN name TO display_name;
