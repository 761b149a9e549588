-- path: db/migrations/0091_orders_user_fk_cascade.sql
CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint CONSTRAINT orders_user_id_fkey REFERENCES users (id));
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- migration
-- Deleting a user now deletes their orders.
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
