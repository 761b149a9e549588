-- pgfence-test: schema=shop.schema
-- The schema has no archives: IF EXISTS makes the DROP do nothing (PostgreSQL takes no lock),
-- and the file then creates the table (vaultwarden's add_archives). No drop-table, and nothing
-- said to be held after it.
DROP TABLE IF EXISTS archives;

CREATE TABLE archives (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id bigint NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, order_id)
);
