-- pgfence-test: schema=shop.schema
INSERT INTO stats (user_id, n) SELECT user_id, count(*) FROM orders WHERE status = 'new' GROUP BY user_id;
INSERT INTO stats (user_id, n) VALUES (1, 0);
CREATE TABLE orders_archive (id bigint, total int);
INSERT INTO orders_archive SELECT id, total FROM orders;
