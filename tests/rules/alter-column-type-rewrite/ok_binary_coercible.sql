CREATE TABLE users (id bigint, name varchar(20), price numeric(10,2), note varchar(10));
ALTER TABLE users ALTER COLUMN name TYPE varchar(100);
ALTER TABLE users ALTER COLUMN note TYPE text;
ALTER TABLE users ALTER COLUMN price TYPE numeric(14,2);
