-- Each statement commits on its own: the ALTER TABLE's lock is gone before the backfill.
ALTER TABLE users ADD COLUMN display_name text;
UPDATE users SET display_name = email;
