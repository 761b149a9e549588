BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN avatar_url text;
-- a table created in this transaction blocks nobody
CREATE TABLE user_settings (user_id bigint PRIMARY KEY);
ALTER TABLE user_settings ADD COLUMN theme text;
COMMIT;
