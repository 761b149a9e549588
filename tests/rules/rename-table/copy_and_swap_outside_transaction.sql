-- pgfence-test: schema=shop.schema path=migrations/V0002.Orders.up.sql
-- authelia's copy-and-swap (V0002.WebAuthn): orders is renamed aside, made anew with every column
-- it had and one more, and filled from the old one, which is dropped. The name orders stays with
-- its columns, so the rename breaks no query for good; but no transaction holds the steps
-- together: between the rename and the copy's end, queries on orders find no table, then an empty
-- or partly filled one (MEDIUM).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE IF NOT EXISTS orders (
    id bigserial PRIMARY KEY,
    user_id bigint REFERENCES users,
    total int,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _bkp_orders;
DROP TABLE IF EXISTS _bkp_orders;
