-- Tables, schemas, functions, extensions, comments, grants, ownership, DROP ... CASCADE.

-- case: create_table
CREATE TABLE notes (id serial PRIMARY KEY, body text);

-- case: create_table_with_fk
CREATE TABLE favourites (user_id bigint REFERENCES users (id), product_id integer REFERENCES products (id));

-- case: create_table_with_table_fk
CREATE TABLE shipments (id serial PRIMARY KEY, order_id bigint, FOREIGN KEY (order_id) REFERENCES orders (id));

-- case: create_table_like
CREATE TABLE users_archive (LIKE users INCLUDING ALL);

-- case: create_table_inherits
CREATE TABLE vans (seats integer) INHERITS (vehicles);

-- case: create_table_if_not_exists_existing
CREATE TABLE IF NOT EXISTS settings (key text PRIMARY KEY, value text);

-- case: create_table_as
CREATE TABLE big_orders AS SELECT * FROM orders WHERE amount > 400;

-- case: create_table_as_join
CREATE TABLE order_report AS SELECT u.name, o.amount FROM orders o JOIN users u ON u.id = o.user_id;

-- case: select_into
SELECT * INTO orders_copy FROM orders;

-- case: create_unlogged_table
CREATE UNLOGGED TABLE scratch (id integer);

-- case: create_statistics
CREATE STATISTICS users_age_score ON age, score FROM users;

-- case: create_schema
CREATE SCHEMA reporting_data;

-- case: create_schema_with_table
CREATE SCHEMA staging CREATE TABLE staged (id integer);

-- case: create_function_plpgsql
CREATE FUNCTION order_count(uid bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM orders WHERE user_id = uid);
END
$$;

-- case: create_function_sql
CREATE FUNCTION order_count(uid bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders WHERE user_id = uid $$;

-- case: create_function_sql_standard_body
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql RETURN (SELECT count(*) FROM users);

-- case: create_or_replace_function
CREATE OR REPLACE FUNCTION noop_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;

-- case: create_procedure
CREATE PROCEDURE reset_settings() LANGUAGE sql AS $$ DELETE FROM settings $$;

-- case: drop_function
CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
DROP FUNCTION one();

-- case: create_extension_citext
CREATE EXTENSION citext;

-- case: create_extension_pgcrypto
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- case: create_foreign_table
CREATE EXTENSION postgres_fdw;
CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'postgres');
CREATE FOREIGN TABLE remote_users (id bigint, name text) SERVER elsewhere;

-- case: comment_on_table
COMMENT ON TABLE users IS 'people who buy things';

-- case: comment_on_column
COMMENT ON COLUMN users.nickname IS 'shown in the UI';

-- case: comment_on_index
COMMENT ON INDEX orders_user_id_idx IS 'for lookups by user';

-- case: comment_on_view
COMMENT ON VIEW active_users IS 'not deleted';

-- case: comment_on_materialized_view
COMMENT ON MATERIALIZED VIEW order_totals IS 'refreshed nightly';

-- case: comment_on_constraint
COMMENT ON CONSTRAINT orders_amount_positive ON orders IS 'no refunds here';

-- case: comment_on_trigger
COMMENT ON TRIGGER orders_touch ON orders IS 'keeps note non-null';

-- case: comment_on_sequence
COMMENT ON SEQUENCE invoice_number_seq IS 'invoice numbers';

-- case: comment_on_function
COMMENT ON FUNCTION touch_audit() IS 'trigger body';

-- case: comment_on_schema
COMMENT ON SCHEMA billing IS 'money';

-- case: comment_on_type
COMMENT ON TYPE order_status IS 'lifecycle';

-- case: grant_select
GRANT SELECT ON users TO reporting;

-- case: grant_all_in_schema
GRANT SELECT ON ALL TABLES IN SCHEMA billing TO reporting;

-- case: revoke_update
REVOKE UPDATE ON orders FROM reporting;

-- case: grant_column
GRANT UPDATE (nickname) ON users TO reporting;

-- case: grant_usage_on_schema
GRANT USAGE ON SCHEMA billing TO reporting;

-- case: alter_default_privileges
ALTER DEFAULT PRIVILEGES IN SCHEMA billing GRANT SELECT ON TABLES TO reporting;

-- case: alter_schema_owner
ALTER SCHEMA billing OWNER TO app_owner;

-- case: alter_function_owner
ALTER FUNCTION touch_audit() OWNER TO app_owner;

-- case: alter_schema_rename
ALTER SCHEMA billing RENAME TO accounting;

-- case: drop_table
DROP TABLE settings;

-- case: drop_table_with_foreign_keys
DROP TABLE order_items;

-- case: drop_table_referenced_cascade
DROP TABLE users CASCADE;

-- case: drop_table_with_views_cascade
DROP TABLE orders CASCADE;

-- case: drop_table_inheritance_parent_cascade
DROP TABLE vehicles CASCADE;

-- case: drop_table_if_exists
DROP TABLE IF EXISTS settings;

-- case: drop_two_tables
DROP TABLE settings, cache_entries;

-- case: drop_schema_cascade
CREATE SCHEMA scratch;
CREATE TABLE scratch.a (id integer);
CREATE TABLE scratch.b (id integer);
DROP SCHEMA scratch CASCADE;

-- case: drop_schema_cascade_with_fk_out
CREATE SCHEMA scratch;
CREATE TABLE scratch.a (id integer, user_id bigint REFERENCES users (id));
DROP SCHEMA scratch CASCADE;

-- case: drop_function_cascade_trigger
DROP FUNCTION touch_audit() CASCADE;

-- case: create_publication
CREATE PUBLICATION shop_pub FOR TABLE users, orders;

-- case: create_role
CREATE ROLE analyst;
