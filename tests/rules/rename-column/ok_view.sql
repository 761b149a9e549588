ALTER TABLE users RENAME TO users_base;
ALTER TABLE users_base RENAME COLUMN age TO years;
CREATE VIEW users AS SELECT *, years AS age FROM users_base;
CREATE TABLE t (a int);
ALTER TABLE t RENAME COLUMN a TO b;
