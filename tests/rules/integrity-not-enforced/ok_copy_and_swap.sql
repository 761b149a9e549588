-- pgfence-test: schema=shop.schema path=migrations/V0002.Orders.up.sql
-- authelia's copy-and-swap (V0002.WebAuthn): the old orders' key is dropped (its name is free for
-- the new table's), the table renamed aside and made anew with its own primary key, then filled
-- from the old one. The application's writes go to the new orders, whose constraints hold.
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_pkey, DROP CONSTRAINT IF EXISTS orders_user_id_fkey;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (
    id bigserial CONSTRAINT orders_pkey PRIMARY KEY,
    user_id bigint NOT NULL CONSTRAINT orders_user_id_fkey REFERENCES users (id),
    total numeric CONSTRAINT orders_total_check CHECK (total >= 0)
);
INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
