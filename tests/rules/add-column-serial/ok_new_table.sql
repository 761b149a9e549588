CREATE TABLE users (name text);
ALTER TABLE users ADD COLUMN id bigserial;
ALTER TABLE accounts ADD COLUMN n bigint;
