-- path: db/migrations/0001_orders.sql
CREATE TABLE events (id bigint, created date, kind text) PARTITION BY RANGE (created);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_kind_idx ON events (kind);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO events SELECT g, '2024-03-01', 'k' FROM generate_series(1,100) g;
-- migration
SET lock_timeout = '10s';
ALTER TABLE orders ADD COLUMN note text;
DROP INDEX events_kind_idx;
