ALTER TABLE users RENAME TO customers;
CREATE VIEW users AS SELECT * FROM customers;
CREATE TABLE drafts (id int);
ALTER TABLE drafts RENAME TO posts;
