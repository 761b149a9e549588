SET lock_timeout = '2s';
ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey DEFERRABLE;
CREATE TABLE drafts (id bigint PRIMARY KEY, parent bigint REFERENCES drafts (id));
ALTER TABLE drafts ALTER CONSTRAINT drafts_parent_fkey DEFERRABLE INITIALLY DEFERRED;
