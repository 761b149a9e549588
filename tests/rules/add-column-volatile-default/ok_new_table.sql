CREATE TABLE users (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
