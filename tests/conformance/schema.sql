-- The conformance schema: a small shop with data. Loaded once into a template database;
-- every case runs against a clean copy of it. The analyzer reads it before each case, so
-- the lock model knows these relations the way it would know an earlier migration's.

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN quantity AS integer;
CREATE SEQUENCE invoice_number_seq START 1000;
CREATE SCHEMA billing;
CREATE ROLE app_owner;
CREATE ROLE reporting;

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email email_address NOT NULL,
    name varchar(100) NOT NULL,
    nickname varchar(40),
    bio text,
    age integer,
    score numeric(8,2),
    status text,
    created_at timestamp NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE UNIQUE INDEX users_email_idx ON users (email);

CREATE TABLE products (
    id serial PRIMARY KEY,
    sku varchar(32) NOT NULL,
    title text NOT NULL,
    price numeric(10,2) NOT NULL,
    stock integer NOT NULL DEFAULT 0,
    attributes jsonb
);

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    status order_status NOT NULL DEFAULT 'pending',
    amount numeric(10,2) NOT NULL,
    note varchar(200),
    placed_at timestamp NOT NULL DEFAULT now(),
    code integer
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_placed_at_idx ON orders (placed_at);

CREATE TABLE order_items (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id integer NOT NULL,
    amount quantity NOT NULL,
    price numeric(10,2) NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);

-- Columns whose types the cases change.
CREATE TABLE measurements (
    id integer PRIMARY KEY,
    small_count integer,
    big_count bigint,
    label varchar(20),
    code varchar(10),
    reading numeric(10,3),
    taken_at timestamp,
    taken_on date,
    flag char(1),
    ratio real,
    notes text
);

-- Rows by month, with a default partition catching the rest.
CREATE TABLE events (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb,
    created_at timestamptz NOT NULL
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE INDEX events_created_at_idx ON events (created_at);

-- Tables that cases attach as partitions.
CREATE TABLE events_2023 (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb,
    created_at timestamptz NOT NULL
);
CREATE TABLE events_2022 (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb,
    created_at timestamptz NOT NULL,
    CONSTRAINT events_2022_bound CHECK (created_at >= '2022-01-01' AND created_at < '2023-01-01')
);

-- A partitioned table without a default partition.
CREATE TABLE metrics (
    id bigint NOT NULL,
    region text NOT NULL,
    value double precision
) PARTITION BY LIST (region);
CREATE TABLE metrics_eu PARTITION OF metrics FOR VALUES IN ('eu');
CREATE TABLE metrics_us PARTITION OF metrics FOR VALUES IN ('us');

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    action text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION touch_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := coalesce(NEW.note, '');
    RETURN NEW;
END
$$;
CREATE FUNCTION noop_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_audit();

CREATE TABLE billing.invoices (
    id serial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    number integer NOT NULL DEFAULT nextval('invoice_number_seq'),
    total numeric(10,2) NOT NULL
);

-- Inheritance (not partitioning).
CREATE TABLE vehicles (id integer NOT NULL, wheels integer, name text);
CREATE TABLE trucks (payload_tons numeric(6,2)) INHERITS (vehicles);
CREATE TABLE boats (id integer NOT NULL, wheels integer, name text, draft numeric(4,1));

CREATE TABLE settings (key text PRIMARY KEY, value text);
CREATE UNLOGGED TABLE cache_entries (key text PRIMARY KEY, value bytea, expires_at timestamptz);
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    owner_name text,
    balance numeric(12,2),
    region text,
    CONSTRAINT accounts_owner_name_not_null CHECK (owner_name IS NOT NULL)
);
CREATE TABLE reservations (
    id integer PRIMARY KEY,
    room integer NOT NULL,
    during tsrange NOT NULL
);

CREATE VIEW active_users AS SELECT id, email, name FROM users WHERE deleted_at IS NULL;
CREATE VIEW order_summaries AS
    SELECT o.id, u.name, o.amount FROM orders o JOIN users u ON u.id = o.user_id;
CREATE MATERIALIZED VIEW order_totals AS
    SELECT user_id, count(*) AS orders, sum(amount) AS total FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX order_totals_user_id_idx ON order_totals (user_id);
CREATE MATERIALIZED VIEW product_stock AS SELECT id, stock FROM products;

-- Constraints added without validation, for the VALIDATE cases.
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount >= 0) NOT VALID;
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_status_not_null CHECK (status IS NOT NULL) NOT VALID;

-- Data.
INSERT INTO users (email, name, nickname, bio, age, score, status, created_at)
SELECT 'user' || g || '@example.com', 'User ' || g, 'u' || g, repeat('bio ', g % 20), 18 + g % 60,
       (g % 1000) / 10.0, 'active', timestamp '2024-01-01' + g * interval '1 hour'
FROM generate_series(1, 2000) AS g;
INSERT INTO products (sku, title, price, stock, attributes)
SELECT 'SKU-' || g, 'Product ' || g, 1 + g % 100, g % 50, jsonb_build_object('colour', g % 7)
FROM generate_series(1, 300) AS g;
INSERT INTO orders (user_id, status, amount, note, placed_at, code)
SELECT 1 + g % 2000, (ARRAY['pending', 'paid', 'shipped', 'cancelled'])[1 + g % 4]::order_status,
       (g % 500) + 0.99, 'note ' || g, timestamp '2024-02-01' + g * interval '10 minutes', g
FROM generate_series(1, 5000) AS g;
INSERT INTO order_items (order_id, product_id, amount, price)
SELECT 1 + g % 5000, 1 + g % 300, 1 + g % 5, 9.99 FROM generate_series(1, 6000) AS g;
INSERT INTO measurements
SELECT g, g % 100, g * 1000, 'label ' || g, 'c' || (g % 1000), g / 7.0, timestamp '2024-03-01' + g * interval '1 minute',
       date '2024-03-01' + g % 365, 'y', g / 3.0, 'n' || g
FROM generate_series(1, 3000) AS g;
INSERT INTO events (id, kind, payload, created_at)
SELECT g, 'kind' || g % 5, jsonb_build_object('n', g), timestamptz '2024-01-01' + g * interval '5 hours'
FROM generate_series(1, 3000) AS g;
INSERT INTO events (id, kind, created_at) VALUES (9001, 'future', '2030-01-01'), (9002, 'future', '2031-06-01');
INSERT INTO events_2023 (id, kind, created_at)
SELECT g, 'old', timestamptz '2023-01-01' + g * interval '1 day' FROM generate_series(1, 200) AS g;
INSERT INTO events_2022 (id, kind, created_at)
SELECT g, 'older', timestamptz '2022-01-01' + g * interval '1 day' FROM generate_series(1, 200) AS g;
INSERT INTO metrics SELECT g, (ARRAY['eu', 'us'])[1 + g % 2], g / 10.0 FROM generate_series(1, 1000) AS g;
INSERT INTO audit_log (table_name, action) SELECT 'orders', 'INSERT' FROM generate_series(1, 500);
INSERT INTO billing.invoices (order_id, total) SELECT g, 10 FROM generate_series(1, 1000) AS g;
INSERT INTO vehicles SELECT g, 4, 'car ' || g FROM generate_series(1, 300) AS g;
INSERT INTO trucks SELECT g, 6, 'truck ' || g, 3.5 FROM generate_series(1, 100) AS g;
INSERT INTO boats SELECT g, 0, 'boat ' || g, 1.5 FROM generate_series(1, 50) AS g;
INSERT INTO settings VALUES ('theme', 'dark'), ('locale', 'en');
INSERT INTO cache_entries SELECT 'k' || g, 'v', now() FROM generate_series(1, 200) AS g;
INSERT INTO accounts SELECT g, 'owner ' || g, g * 10, 'eu' FROM generate_series(1, 1000) AS g;
INSERT INTO reservations SELECT g, g % 20, tsrange(timestamp '2024-01-01' + g * interval '1 day', timestamp '2024-01-01' + (g + 1) * interval '1 day') FROM generate_series(1, 300) AS g;
REFRESH MATERIALIZED VIEW order_totals;
REFRESH MATERIALIZED VIEW product_stock;
ANALYZE;
