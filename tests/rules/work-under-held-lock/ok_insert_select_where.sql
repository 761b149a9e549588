-- The copy selects a range (an index can bound it): not read as a whole-table scan.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN w int;
INSERT INTO users_archive (id, email) SELECT id, email FROM users WHERE id < 1000;
COMMIT;
