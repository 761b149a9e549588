BEGIN;
CREATE TABLE user_settings (user_id bigint PRIMARY KEY, theme text);
ALTER TABLE user_settings ADD COLUMN locale text;
CREATE INDEX user_settings_theme_idx ON user_settings (theme);
COMMIT;
