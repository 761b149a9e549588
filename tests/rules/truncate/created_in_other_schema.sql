-- pgfence-test: schema=shop.schema
-- A table of the same name made in another schema is not the existing one (red team c, W1).
SET lock_timeout = '2s';
CREATE SCHEMA staging;
CREATE TABLE staging.users (id int, email text);
TRUNCATE users;
