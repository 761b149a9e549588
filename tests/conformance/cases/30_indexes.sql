-- CREATE / DROP / REINDEX INDEX, with and without CONCURRENTLY; ALTER INDEX.

-- case: create_index
CREATE INDEX orders_code_idx ON orders (code);

-- case: create_index_unnamed
CREATE INDEX ON orders (code);

-- case: create_unique_index
CREATE UNIQUE INDEX measurements_label_uidx ON measurements (label);

-- case: create_partial_index
CREATE INDEX orders_pending_idx ON orders (placed_at) WHERE status = 'pending';

-- case: create_expression_index
CREATE INDEX users_lower_name_idx ON users (lower(name));

-- case: create_gin_index
CREATE INDEX products_attributes_idx ON products USING gin (attributes);

-- case: create_index_if_not_exists_existing
CREATE INDEX IF NOT EXISTS orders_user_id_idx ON orders (user_id);

-- case: create_index_schema_qualified
CREATE INDEX invoices_total_idx ON billing.invoices (total);

-- case: create_index_on_matview
CREATE INDEX order_totals_total_idx ON order_totals (total);

-- case: create_index_partitioned
CREATE INDEX events_kind_idx ON events (kind);

-- case: create_index_on_only_partitioned
CREATE INDEX events_kind_idx ON ONLY events (kind);

-- case: create_index_on_new_table
CREATE TABLE tags (id serial PRIMARY KEY, name text);
CREATE INDEX tags_name_idx ON tags (name);

-- case: create_index_concurrently
-- hold: orders
-- squat: public.orders_code_idx
CREATE INDEX CONCURRENTLY orders_code_idx ON orders (code);

-- case: create_unique_index_concurrently
-- hold: measurements
-- squat: public.measurements_label_uidx
CREATE UNIQUE INDEX CONCURRENTLY measurements_label_uidx ON measurements (label);

-- case: create_partial_index_concurrently
-- hold: orders
-- squat: public.orders_cancelled_idx
CREATE INDEX CONCURRENTLY orders_cancelled_idx ON orders (placed_at) WHERE status = 'cancelled';

-- case: create_index_concurrently_on_partition
-- hold: events, events_2025
-- squat: public.events_2025_kind_idx
CREATE INDEX CONCURRENTLY events_2025_kind_idx ON events_2025 (kind);

-- case: drop_index
DROP INDEX orders_placed_at_idx;

-- case: drop_index_if_exists
DROP INDEX IF EXISTS orders_placed_at_idx;

-- case: drop_index_partitioned
DROP INDEX events_created_at_idx;

-- case: drop_index_created_in_migration
CREATE INDEX orders_code_idx ON orders (code);
DROP INDEX orders_code_idx;

-- case: drop_index_named_after_function
-- An unnamed index on an expression is named after the function it calls (crates.io's
-- reserved_crate_names_canon_crate_name_idx): dropping it locks its table.
CREATE INDEX ON users (lower(email::text));
DROP INDEX users_lower_idx;

-- case: drop_index_named_after_cast_and_coalesce
CREATE INDEX ON orders ((note::text), coalesce(amount, 0));
DROP INDEX orders_note_coalesce_idx;

-- case: drop_index_concurrently
-- hold: orders
-- pin: orders_placed_at_idx
DROP INDEX CONCURRENTLY orders_placed_at_idx;

-- case: drop_unique_index_concurrently
-- hold: users
-- pin: users_email_idx
DROP INDEX CONCURRENTLY users_email_idx;

-- case: reindex_index
REINDEX INDEX orders_user_id_idx;

-- case: reindex_primary_key_index
REINDEX INDEX users_pkey;

-- case: reindex_table
REINDEX TABLE orders;

-- case: reindex_partitioned_table
-- hold: events, events_2024, events_2025, events_default
REINDEX TABLE events;

-- case: reindex_index_concurrently
-- hold: orders
-- pin: orders_user_id_idx
-- squat: public.orders_user_id_idx_ccnew
REINDEX INDEX CONCURRENTLY orders_user_id_idx;

-- case: reindex_table_concurrently
-- hold: products
-- pin: products_pkey
REINDEX TABLE CONCURRENTLY products;

-- case: alter_index_rename
ALTER INDEX orders_user_id_idx RENAME TO orders_by_user_idx;

-- case: alter_index_set_fillfactor
ALTER INDEX orders_user_id_idx SET (fillfactor = 80);

-- case: alter_index_set_statistics
CREATE INDEX users_lower_name_idx ON users (lower(name));
ALTER INDEX users_lower_name_idx ALTER COLUMN 1 SET STATISTICS 300;

-- case: alter_index_set_tablespace_same
ALTER INDEX orders_user_id_idx SET TABLESPACE pg_default;
