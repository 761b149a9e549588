CREATE TABLE users (
    id bigint PRIMARY KEY,
    name varchar(100) NOT NULL,
    email character varying(255),
    nicknames varchar(20)[]
);
ALTER TABLE users ADD COLUMN country varchar(2);
ALTER TABLE users ALTER COLUMN name TYPE varchar(200);
