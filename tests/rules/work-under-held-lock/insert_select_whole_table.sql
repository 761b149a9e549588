-- Add a column and archive every user in the same transaction: the copy reads all of users
-- while the ADD COLUMN's ACCESS EXCLUSIVE lock keeps it unreadable.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN w int;
INSERT INTO users_archive (id, email, created_at) SELECT id, email, created_at FROM users;
INSERT INTO audit_events (kind) VALUES ('users archived');
COMMIT;
