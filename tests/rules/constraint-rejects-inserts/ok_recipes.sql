-- pgfence-test: schema=shop.schema
-- The ordinary NOT VALID recipes, and constraints some rows meet: not this rule's.
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_user_nn CHECK (user_id IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total CHECK (total >= 0 AND total < 1000000) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total2 CHECK (total BETWEEN 0 AND 10 OR total > 100) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_one CHECK (total >= 1 AND total <= 1) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_true CHECK (true) NOT VALID;
ALTER DOMAIN posint ADD CONSTRAINT posint_small CHECK (VALUE < 1000) NOT VALID;
CREATE TABLE allowed (id bigint PRIMARY KEY);
INSERT INTO allowed SELECT id FROM users;
ALTER TABLE orders ADD CONSTRAINT orders_allowed FOREIGN KEY (user_id) REFERENCES allowed (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_users FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
CREATE UNIQUE INDEX CONCURRENTLY orders_user_total ON orders (user_id, (total * 2));
CREATE UNIQUE INDEX CONCURRENTLY users_email ON users ((lower(email)));
CREATE TABLE fresh (id int);
CREATE UNIQUE INDEX fresh_one ON fresh ((1));
CREATE DOMAIN newdom AS int;
ALTER DOMAIN newdom ADD CONSTRAINT never CHECK (false);
ALTER TABLE orders ADD COLUMN blocked_id bigint;
CREATE TABLE blocked (id bigint PRIMARY KEY);
ALTER TABLE orders ADD CONSTRAINT orders_blocked FOREIGN KEY (blocked_id) REFERENCES blocked (id);
ALTER TABLE users ADD COLUMN blocked_id bigint, ADD CONSTRAINT users_blocked FOREIGN KEY (blocked_id) REFERENCES blocked (id);
ALTER TABLE users ADD COLUMN flag2 int CHECK (flag2 > 0);
