-- A migration that would take production down.
SET lock_timeout = '2s';

ALTER TABLE users ADD COLUMN verified boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
CREATE INDEX users_email_idx ON users (email);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE users ALTER COLUMN name TYPE varchar(200);
CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);
