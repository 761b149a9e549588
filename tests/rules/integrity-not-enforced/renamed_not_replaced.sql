-- pgfence-test: schema=shop.schema
-- The table and its column are renamed after the drop, but the key added back is on another column:
-- the renamed one is no longer checked.
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders RENAME TO purchases;
ALTER TABLE purchases RENAME COLUMN user_id TO buyer_id;
ALTER TABLE purchases ADD COLUMN seller_id bigint;
ALTER TABLE purchases ADD CONSTRAINT purchases_seller_id_fkey FOREIGN KEY (seller_id) REFERENCES users(id) NOT VALID;
