-- The name is made again in the same file, or the view is new.
ALTER VIEW active_users RENAME TO active_users_v1;
CREATE VIEW active_users AS SELECT id, email FROM users WHERE deleted_at IS NULL;
CREATE VIEW report AS SELECT 1 AS one;
ALTER VIEW report RENAME TO report_v2;
ALTER VIEW active_users RENAME COLUMN email TO mail;
