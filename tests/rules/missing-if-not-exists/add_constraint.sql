ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_check;
ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- dropped afterwards does not help the ADD before it
ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (name <> ''), DROP CONSTRAINT IF EXISTS users_name_check;
