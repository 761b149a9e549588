-- The rest of ALTER TABLE: storage parameters, clustering, persistence, ownership,
-- replica identity, triggers, row level security, inheritance, tablespace, access method.

-- case: set_fillfactor
ALTER TABLE users SET (fillfactor = 70);

-- case: reset_fillfactor
ALTER TABLE users RESET (fillfactor);

-- case: set_autovacuum_scale_factor
ALTER TABLE orders SET (autovacuum_vacuum_scale_factor = 0.01);

-- case: set_autovacuum_enabled_toast
ALTER TABLE users SET (toast.autovacuum_enabled = false);

-- case: set_parallel_workers
ALTER TABLE orders SET (parallel_workers = 4);

-- case: set_user_catalog_table
ALTER TABLE settings SET (user_catalog_table = true);

-- case: set_fillfactor_and_user_catalog_table
ALTER TABLE settings SET (fillfactor = 90, user_catalog_table = true);

-- case: cluster_on
ALTER TABLE orders CLUSTER ON orders_user_id_idx;

-- case: set_without_cluster
ALTER TABLE orders CLUSTER ON orders_user_id_idx;
ALTER TABLE orders SET WITHOUT CLUSTER;

-- case: set_logged
ALTER TABLE cache_entries SET LOGGED;

-- case: set_unlogged
ALTER TABLE settings SET UNLOGGED;

-- case: owner_to
ALTER TABLE users OWNER TO app_owner;

-- case: owner_to_partitioned
ALTER TABLE events OWNER TO app_owner;

-- case: replica_identity_full
ALTER TABLE users REPLICA IDENTITY FULL;

-- case: replica_identity_using_index
ALTER TABLE users REPLICA IDENTITY USING INDEX users_email_idx;

-- case: disable_trigger
ALTER TABLE orders DISABLE TRIGGER orders_touch;

-- case: enable_trigger
ALTER TABLE orders ENABLE TRIGGER orders_touch;

-- case: disable_trigger_all
ALTER TABLE orders DISABLE TRIGGER ALL;

-- case: enable_replica_trigger
ALTER TABLE orders ENABLE REPLICA TRIGGER orders_touch;

-- case: disable_trigger_user
ALTER TABLE orders DISABLE TRIGGER USER;

-- case: enable_row_level_security
ALTER TABLE users ENABLE ROW LEVEL SECURITY;

-- case: disable_row_level_security
ALTER TABLE users DISABLE ROW LEVEL SECURITY;

-- case: force_row_level_security
ALTER TABLE users FORCE ROW LEVEL SECURITY;

-- case: inherit
ALTER TABLE boats INHERIT vehicles;

-- case: no_inherit
ALTER TABLE trucks NO INHERIT vehicles;

-- case: set_tablespace_same
ALTER TABLE settings SET TABLESPACE pg_default;

-- case: set_access_method_heap
ALTER TABLE settings SET ACCESS METHOD heap;

-- case: set_schema
ALTER TABLE settings SET SCHEMA billing;

-- case: rename_table
ALTER TABLE settings RENAME TO app_settings;

-- case: rename_table_if_exists
ALTER TABLE IF EXISTS settings RENAME TO app_settings;

-- case: rename_partition
ALTER TABLE events_2024 RENAME TO events_y2024;

-- case: alter_table_several_subcommands
ALTER TABLE users ALTER COLUMN name SET STATISTICS 200, SET (fillfactor = 80);

-- case: alter_table_mixed_strength
ALTER TABLE users ALTER COLUMN name SET STATISTICS 200, ADD COLUMN referrer text;
