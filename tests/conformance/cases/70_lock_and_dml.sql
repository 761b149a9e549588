-- LOCK TABLE in every mode; DML.

-- case: lock_access_share
LOCK TABLE users IN ACCESS SHARE MODE;

-- case: lock_row_share
LOCK TABLE users IN ROW SHARE MODE;

-- case: lock_row_exclusive
LOCK TABLE users IN ROW EXCLUSIVE MODE;

-- case: lock_share_update_exclusive
LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE;

-- case: lock_share
LOCK TABLE users IN SHARE MODE;

-- case: lock_share_row_exclusive
LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;

-- case: lock_exclusive
LOCK TABLE users IN EXCLUSIVE MODE;

-- case: lock_access_exclusive
LOCK TABLE users;

-- case: lock_two_tables
LOCK TABLE users, orders IN SHARE MODE;

-- case: lock_partitioned
LOCK TABLE events IN EXCLUSIVE MODE;

-- case: lock_only_partitioned
LOCK TABLE ONLY events IN EXCLUSIVE MODE;

-- case: lock_inheritance_parent
LOCK TABLE vehicles IN SHARE MODE;

-- case: lock_view
LOCK TABLE active_users IN SHARE MODE;

-- case: lock_view_on_join
LOCK TABLE order_summaries IN ROW EXCLUSIVE MODE;

-- case: select_plain
SELECT count(*) FROM users;

-- case: select_join
SELECT u.name, sum(o.amount) FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.name;

-- case: select_partitioned
SELECT count(*) FROM events;

-- case: select_view
SELECT count(*) FROM active_users;

-- case: select_matview
SELECT * FROM order_totals WHERE user_id = 1;

-- case: select_for_update
SELECT * FROM orders WHERE id = 1 FOR UPDATE;

-- case: select_for_share_of_one_table
SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = 1 FOR SHARE OF o;

-- case: select_for_no_key_update_join
SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = 1 FOR NO KEY UPDATE;

-- case: select_subquery
SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE amount > 450);

-- case: update_with_where
UPDATE users SET age = age + 1 WHERE id = 5;

-- case: update_without_where
UPDATE products SET stock = stock + 1;

-- case: update_from
UPDATE orders SET amount = 0 FROM users WHERE users.id = orders.user_id AND users.age > 70;

-- case: update_partitioned
UPDATE events SET kind = 'x' WHERE id = 5;

-- case: update_fk_column
UPDATE orders SET user_id = 2 WHERE id = 10;

-- case: update_referenced_key
INSERT INTO products (sku, title, price) VALUES ('NEW-1', 'New', 5);
UPDATE products SET id = 100000 WHERE sku = 'NEW-1';

-- case: update_key_referenced_by_two_tables
INSERT INTO orders (id, user_id, amount) VALUES (900000, 1, 5);
UPDATE orders SET id = 900001 WHERE id = 900000;

-- case: select_for_update_through_view
SELECT * FROM active_users WHERE id = 3 FOR UPDATE;

-- case: insert_through_view
CREATE VIEW cheap_products AS SELECT id, sku, title, price FROM products WHERE price < 10;
INSERT INTO cheap_products (sku, title, price) VALUES ('C-1', 'Cheap', 2);

-- case: update_through_view
UPDATE active_users SET name = 'Renamed' WHERE id = 4;

-- case: delete_with_where
DELETE FROM audit_log WHERE id < 10;

-- case: delete_all
DELETE FROM settings;

-- case: delete_cascading_fk
DELETE FROM orders WHERE id = 4999;

-- case: delete_using
DELETE FROM order_items USING orders WHERE orders.id = order_items.order_id AND orders.amount < 1;

-- case: insert_values
INSERT INTO settings VALUES ('colour', 'blue');

-- case: insert_with_fk
INSERT INTO orders (user_id, amount) VALUES (1, 10);

-- case: insert_select
INSERT INTO audit_log (table_name, action) SELECT 'users', name FROM users WHERE id < 10;

-- case: insert_on_conflict
INSERT INTO settings VALUES ('theme', 'light') ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- case: insert_into_partition_directly
INSERT INTO events_2025 (id, kind, created_at) VALUES (1, 'a', '2025-03-01');

-- case: update_partition_directly
UPDATE events_2024 SET kind = 'y' WHERE id = 7;

-- case: delete_from_partition_directly
DELETE FROM events_2024 WHERE id = 8;

-- case: insert_with_cte
WITH moved AS (DELETE FROM cache_entries WHERE key = 'k1' RETURNING key) INSERT INTO settings SELECT key, 'x' FROM moved;

-- case: merge
MERGE INTO settings s USING (VALUES ('theme', 'blue')) AS v(key, value) ON s.key = v.key
WHEN MATCHED THEN UPDATE SET value = v.value WHEN NOT MATCHED THEN INSERT VALUES (v.key, v.value);
