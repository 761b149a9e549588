-- pgfence-test: schema=shop.schema
-- The table and its column are renamed after the drop, but the key added back is on another column:
-- the renamed one is no longer checked.
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders RENAME TO purchases;
ALTER TABLE purchases RENAME COLUMN user_id TO buyer_id;
ALTER TABLE purchases ADD COLUMN seller_id bigint;
ALTER TABLE purchases ADD CONSTRAINT purchases_seller_id_fkey FOREIGN KEY (seller_id) REFERENCES users(id) NOT VALID;
-- Another schema's table of the same name, renamed, is not the dropped one (red team r84b).
ALTER TABLE public.users DROP CONSTRAINT users_email_key;
ALTER TABLE archive.users RENAME TO users_old;
ALTER TABLE archive.users_old ADD CONSTRAINT users_email_key UNIQUE (email);
