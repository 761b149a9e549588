-- VACUUM, ANALYZE, CLUSTER, TRUNCATE.

-- case: vacuum
-- hold: orders
VACUUM orders;

-- case: vacuum_analyze
-- hold: orders
VACUUM (ANALYZE) orders;

-- case: vacuum_full
-- hold: orders
VACUUM FULL orders;

-- case: vacuum_partitioned
-- hold: events, events_2024, events_2025, events_default
VACUUM events;

-- case: analyze_table
ANALYZE orders;

-- case: analyze_columns
ANALYZE users (name, age);

-- case: analyze_partitioned
ANALYZE events;

-- case: cluster_using_index
CLUSTER orders USING orders_user_id_idx;

-- case: cluster_after_cluster_on
ALTER TABLE orders CLUSTER ON orders_placed_at_idx;
CLUSTER orders;

-- case: cluster_matview
CLUSTER order_totals USING order_totals_user_id_idx;

-- case: truncate
TRUNCATE settings;

-- case: truncate_referencing_table
TRUNCATE order_items;

-- case: truncate_cascade
TRUNCATE orders CASCADE;

-- case: truncate_partitioned
TRUNCATE events;

-- case: truncate_restart_identity
TRUNCATE audit_log RESTART IDENTITY;

-- case: truncate_only_inheritance_parent
TRUNCATE ONLY vehicles;

-- case: truncate_inheritance_parent
TRUNCATE vehicles;

-- case: truncate_two_tables
TRUNCATE settings, cache_entries;
