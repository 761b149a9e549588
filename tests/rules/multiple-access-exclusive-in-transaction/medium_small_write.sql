SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text;
INSERT INTO schema_notes (note) VALUES ('users.nickname and orders.note added');
COMMIT;
