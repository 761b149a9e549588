BEGIN;
SET LOCAL lock_timeout = '2s';
CREATE TABLE user_settings (user_id bigint PRIMARY KEY, theme text);
INSERT INTO user_settings (user_id, theme) VALUES (1, 'dark');
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
