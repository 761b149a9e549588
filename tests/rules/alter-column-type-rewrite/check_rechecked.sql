-- pgfence-test: schema=checks.schema
-- Binary-coercible type changes keep the rows, but PostgreSQL drops and re-adds every CHECK that
-- names the column and a validated one reads every row again under ACCESS EXCLUSIVE (PostgreSQL
-- 15: varchar(10) to varchar(20), then to text, ran the CHECK's function once per row; red team
-- R67 A2). handle: its unnamed column CHECK and handle_not_email; email: with its expression
-- index rebuilt too.
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN handle TYPE varchar(60);
ALTER TABLE accounts ALTER COLUMN email TYPE text;
