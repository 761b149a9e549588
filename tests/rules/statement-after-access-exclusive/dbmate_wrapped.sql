-- migrate:up
ALTER TABLE users RENAME COLUMN name TO full_name;
INSERT INTO audit_log (message) VALUES ('renamed users.name');

-- migrate:down
ALTER TABLE users RENAME COLUMN full_name TO name;
