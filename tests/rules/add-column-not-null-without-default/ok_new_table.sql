CREATE TABLE users (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN age integer NOT NULL;
