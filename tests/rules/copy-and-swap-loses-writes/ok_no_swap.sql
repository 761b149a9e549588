-- An archive copy: the original keeps its name.
INSERT INTO orders_archive SELECT * FROM orders WHERE created_at < now() - interval '2 years';
CREATE TABLE orders_2023 AS SELECT * FROM orders WHERE created_at < '2024-01-01';
ALTER TABLE orders_2023 RENAME TO orders_2023_snapshot;
