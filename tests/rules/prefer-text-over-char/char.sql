CREATE TABLE countries (
    code char(2) PRIMARY KEY,
    name character(60),
    flag char
);
ALTER TABLE countries ADD COLUMN currency character(3);
ALTER TABLE countries ALTER COLUMN name TYPE char(80);
