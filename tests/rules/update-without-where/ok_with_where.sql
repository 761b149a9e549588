UPDATE users SET email_verified = false WHERE email_verified IS NULL;
CREATE TABLE staging (id bigint, done boolean);
UPDATE staging SET done = true;
