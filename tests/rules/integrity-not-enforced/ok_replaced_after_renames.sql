-- pgfence-test: schema=shop.schema
-- Prisma's naming-convention migration (rallly 20220511180705): every foreign key dropped, the
-- tables and columns renamed, and the keys added back under the new names in the same file.
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders RENAME TO purchases;
ALTER TABLE purchases RENAME COLUMN user_id TO buyer_id;
ALTER TABLE purchases ADD CONSTRAINT purchases_buyer_id_fkey FOREIGN KEY (buyer_id) REFERENCES users(id) NOT VALID;
