-- Views and materialized views.

-- case: create_view
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 400;

-- case: create_view_join
CREATE VIEW user_orders AS SELECT u.name, o.amount FROM users u JOIN orders o ON o.user_id = u.id;

-- case: create_view_on_view
CREATE VIEW active_user_names AS SELECT name FROM active_users;

-- case: create_view_on_partitioned
CREATE VIEW recent_events AS SELECT * FROM events WHERE created_at > '2025-01-01';

-- case: create_view_with_subquery
CREATE VIEW users_with_orders AS SELECT * FROM users WHERE id IN (SELECT user_id FROM orders);

-- case: create_view_with_cte
CREATE VIEW order_counts AS WITH c AS (SELECT user_id, count(*) AS n FROM orders GROUP BY user_id) SELECT * FROM c;

-- case: create_or_replace_view
CREATE OR REPLACE VIEW active_users AS SELECT id, email, name FROM users WHERE deleted_at IS NULL AND status = 'active';

-- case: create_or_replace_new_view
CREATE OR REPLACE VIEW paid_orders AS SELECT * FROM orders WHERE status = 'paid';

-- case: alter_view_rename
ALTER VIEW active_users RENAME TO current_users;

-- case: alter_view_rename_column
ALTER VIEW active_users RENAME COLUMN name TO full_name;

-- case: alter_view_set_option
ALTER VIEW active_users SET (security_barrier = true);

-- case: alter_view_owner
ALTER VIEW active_users OWNER TO app_owner;

-- case: alter_view_column_default
ALTER VIEW active_users ALTER COLUMN name SET DEFAULT 'anonymous';

-- case: drop_view
DROP VIEW order_summaries;

-- case: drop_view_if_exists
DROP VIEW IF EXISTS order_summaries;

-- case: drop_view_cascade
CREATE VIEW active_user_names AS SELECT name FROM active_users;
DROP VIEW active_users CASCADE;

-- case: create_materialized_view
CREATE MATERIALIZED VIEW user_order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;

-- case: create_materialized_view_with_no_data
CREATE MATERIALIZED VIEW user_order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id WITH NO DATA;

-- case: refresh_materialized_view
REFRESH MATERIALIZED VIEW order_totals;

-- case: refresh_materialized_view_concurrently
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;

-- case: refresh_materialized_view_with_no_data
REFRESH MATERIALIZED VIEW product_stock WITH NO DATA;

-- case: refresh_materialized_view_created_in_migration
CREATE MATERIALIZED VIEW user_order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;
REFRESH MATERIALIZED VIEW user_order_counts;

-- case: alter_materialized_view_rename
ALTER MATERIALIZED VIEW product_stock RENAME TO product_stock_levels;

-- case: alter_materialized_view_set_fillfactor
ALTER MATERIALIZED VIEW product_stock SET (fillfactor = 50);

-- case: alter_materialized_view_cluster_on
ALTER MATERIALIZED VIEW order_totals CLUSTER ON order_totals_user_id_idx;

-- case: drop_materialized_view
DROP MATERIALIZED VIEW product_stock;
