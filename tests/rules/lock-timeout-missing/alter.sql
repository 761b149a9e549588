ALTER TABLE users ADD COLUMN nickname text;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN bio text;
RESET lock_timeout;
ALTER TABLE users DROP COLUMN bio;
