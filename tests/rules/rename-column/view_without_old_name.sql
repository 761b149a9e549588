ALTER TABLE users RENAME TO users_base;
ALTER TABLE users_base RENAME COLUMN age TO years;
CREATE VIEW users AS SELECT * FROM users_base;
