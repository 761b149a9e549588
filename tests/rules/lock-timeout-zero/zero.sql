SET lock_timeout = 0;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN age int;
SET lock_timeout = '0ms';
ALTER TABLE users DROP COLUMN age;
