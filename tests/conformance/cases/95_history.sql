-- Objects an earlier migration made: each case's context is that migration (committed before
-- the statement runs), the last statement the migration under review. In history mode the
-- analyzer only knows them from the replayed history, the way `pgfence analyze --history`
-- knows a project's earlier migrations.

-- case: history_drop_index
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
DROP INDEX orders_status_placed_at_idx;

-- case: history_drop_index_if_exists
CREATE INDEX users_lower_email_idx ON users (lower(email));
DROP INDEX IF EXISTS users_lower_email_idx;

-- case: history_drop_index_concurrently
-- hold: orders
-- pin: orders_status_placed_at_idx
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
DROP INDEX CONCURRENTLY orders_status_placed_at_idx;

-- case: history_drop_unique_index_on_other_schema
CREATE UNIQUE INDEX invoices_number_idx ON billing.invoices (number);
DROP INDEX billing.invoices_number_idx;

-- case: history_reindex_index
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
REINDEX INDEX orders_status_placed_at_idx;

-- case: history_reindex_index_concurrently
-- hold: orders
-- pin: orders_status_placed_at_idx
-- squat: public.orders_status_placed_at_idx_ccnew
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
REINDEX INDEX CONCURRENTLY orders_status_placed_at_idx;

-- case: history_alter_index_rename
CREATE INDEX users_lower_email_idx ON users (lower(email));
ALTER INDEX users_lower_email_idx RENAME TO users_email_lower_idx;

-- case: history_alter_index_set_fillfactor
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
ALTER INDEX orders_status_placed_at_idx SET (fillfactor = 80);

-- case: history_alter_index_reset
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at) WITH (fillfactor = 80);
ALTER INDEX orders_status_placed_at_idx RESET (fillfactor);

-- case: history_alter_index_set_statistics
CREATE INDEX users_lower_email_idx ON users (lower(email));
ALTER INDEX users_lower_email_idx ALTER COLUMN 1 SET STATISTICS 500;

-- case: history_drop_foreign_key
CREATE TABLE shipments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL,
    carrier text NOT NULL,
    shipped_at timestamptz
);
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE shipments DROP CONSTRAINT shipments_order_id_fkey;

-- case: history_drop_referenced_primary_key_cascade
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code text NOT NULL REFERENCES coupons (code),
    order_id bigint NOT NULL REFERENCES orders (id)
);
ALTER TABLE coupons DROP CONSTRAINT coupons_pkey CASCADE;

-- case: history_add_foreign_key_not_valid
CREATE TABLE shipments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL,
    carrier text NOT NULL
);
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;

-- case: history_add_foreign_key_between_earlier_tables
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (id bigserial PRIMARY KEY, coupon_code text NOT NULL);
ALTER TABLE coupon_redemptions ADD CONSTRAINT coupon_redemptions_coupon_code_fkey
    FOREIGN KEY (coupon_code) REFERENCES coupons (code);

-- case: history_validate_foreign_key
CREATE TABLE shipments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL,
    carrier text NOT NULL
);
ALTER TABLE shipments ADD CONSTRAINT shipments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
ALTER TABLE shipments VALIDATE CONSTRAINT shipments_order_id_fkey;

-- case: history_drop_referenced_table_cascade
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code text NOT NULL REFERENCES coupons (code),
    order_id bigint NOT NULL REFERENCES orders (id)
);
DROP TABLE coupons CASCADE;

-- case: history_drop_referencing_table
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code text NOT NULL REFERENCES coupons (code),
    order_id bigint NOT NULL REFERENCES orders (id)
);
DROP TABLE coupon_redemptions;

-- case: history_alter_referenced_column_type
CREATE TABLE coupons (code varchar(20) PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code varchar(20) NOT NULL REFERENCES coupons (code)
);
ALTER TABLE coupons ALTER COLUMN code TYPE varchar(40);

-- case: history_truncate_referenced_cascade
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code text NOT NULL REFERENCES coupons (code)
);
TRUNCATE coupons CASCADE;

-- case: history_truncate_referenced_with_referencing
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code text NOT NULL REFERENCES coupons (code)
);
TRUNCATE coupon_redemptions, coupons;

-- case: history_delete_cascades_to_earlier_table
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code text NOT NULL REFERENCES coupons (code) ON DELETE CASCADE
);
INSERT INTO coupons VALUES ('WELCOME10', 10);
INSERT INTO coupon_redemptions (coupon_code) VALUES ('WELCOME10');
DELETE FROM coupons WHERE code = 'WELCOME10';

-- case: history_drop_enum_cascade
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE TABLE shipments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    speed shipping_speed NOT NULL DEFAULT 'standard'
);
DROP TYPE shipping_speed CASCADE;

-- case: history_alter_enum_add_value
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE TABLE shipments (id bigserial PRIMARY KEY, speed shipping_speed NOT NULL DEFAULT 'standard');
ALTER TYPE shipping_speed ADD VALUE 'overnight' AFTER 'express';

-- case: history_alter_enum_rename_value
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE TABLE shipments (id bigserial PRIMARY KEY, speed shipping_speed NOT NULL DEFAULT 'standard');
ALTER TYPE shipping_speed RENAME VALUE 'express' TO 'priority';

-- case: history_alter_column_to_earlier_enum
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE TABLE shipments (id bigserial PRIMARY KEY, speed text NOT NULL DEFAULT 'standard');
ALTER TABLE shipments ALTER COLUMN speed DROP DEFAULT;
ALTER TABLE shipments ALTER COLUMN speed TYPE shipping_speed USING speed::shipping_speed;

-- case: history_domain_add_constraint
CREATE DOMAIN postal_code AS text;
CREATE TABLE addresses (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    zip postal_code
);
CREATE TABLE warehouses (id serial PRIMARY KEY, zip postal_code NOT NULL DEFAULT '00000');
ALTER DOMAIN postal_code ADD CONSTRAINT postal_code_length CHECK (length(VALUE) <= 10);

-- case: history_domain_set_not_null
CREATE DOMAIN postal_code AS text;
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
ALTER DOMAIN postal_code SET NOT NULL;

-- case: history_domain_add_constraint_not_valid
CREATE DOMAIN postal_code AS text;
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
ALTER DOMAIN postal_code ADD CONSTRAINT postal_code_length CHECK (length(VALUE) <= 10) NOT VALID;

-- case: history_drop_domain_cascade
CREATE DOMAIN postal_code AS text;
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
DROP DOMAIN postal_code CASCADE;

-- case: history_create_or_replace_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
CREATE OR REPLACE VIEW paid_orders AS SELECT id, user_id, amount, placed_at FROM orders WHERE status = 'paid';

-- case: history_drop_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
DROP VIEW paid_orders;

-- case: history_drop_view_cascade_to_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
CREATE VIEW paid_order_totals AS SELECT user_id, sum(amount) AS total FROM paid_orders GROUP BY user_id;
DROP VIEW paid_orders CASCADE;

-- case: history_view_over_earlier_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
CREATE VIEW paid_orders_with_users AS
    SELECT p.id, p.amount, u.email FROM paid_orders p JOIN users u ON u.id = p.user_id;

-- case: history_select_through_earlier_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
UPDATE users SET status = 'customer' WHERE id IN (SELECT user_id FROM paid_orders);

-- case: history_drop_table_under_view_cascade
CREATE TABLE shipments (id bigserial PRIMARY KEY, carrier text NOT NULL);
CREATE VIEW carrier_counts AS SELECT carrier, count(*) AS n FROM shipments GROUP BY carrier;
DROP TABLE shipments CASCADE;

-- case: history_rename_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
ALTER VIEW paid_orders RENAME TO settled_orders;

-- case: history_drop_materialized_view
CREATE MATERIALIZED VIEW user_order_totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
DROP MATERIALIZED VIEW user_order_totals;

-- case: history_refresh_materialized_view_concurrently
-- hold: user_order_totals
CREATE MATERIALIZED VIEW user_order_totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX user_order_totals_user_id_idx ON user_order_totals (user_id);
REFRESH MATERIALIZED VIEW CONCURRENTLY user_order_totals;

-- case: history_drop_column_used_by_index
CREATE INDEX users_lower_nickname_idx ON users (lower(nickname));
ALTER TABLE users DROP COLUMN nickname;

-- case: history_drop_column_used_by_view_cascade
CREATE VIEW user_nicknames AS SELECT id, nickname FROM users;
ALTER TABLE users DROP COLUMN nickname CASCADE;

-- case: history_drop_column_used_by_foreign_key
CREATE TABLE shipments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    carrier text NOT NULL
);
ALTER TABLE shipments DROP COLUMN order_id;

-- case: history_rename_column_used_by_view
CREATE VIEW user_nicknames AS SELECT id, nickname FROM users;
ALTER TABLE users RENAME COLUMN nickname TO display_name;

-- case: history_page_views_attach_partition
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX page_views_viewed_at_idx ON page_views (viewed_at);
CREATE TABLE page_views_2025 (id bigint NOT NULL, path text NOT NULL, viewed_at timestamptz NOT NULL);
ALTER TABLE page_views ATTACH PARTITION page_views_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: history_page_views_attach_partition_with_default
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_default PARTITION OF page_views DEFAULT;
CREATE TABLE page_views_2025 (id bigint NOT NULL, path text NOT NULL, viewed_at timestamptz NOT NULL);
ALTER TABLE page_views ATTACH PARTITION page_views_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: history_page_views_detach_partition
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX page_views_viewed_at_idx ON page_views (viewed_at);
ALTER TABLE page_views DETACH PARTITION page_views_2024;

-- case: history_page_views_detach_partition_concurrently
-- hold: page_views, page_views_2024
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views DETACH PARTITION page_views_2024 CONCURRENTLY;

-- case: history_page_views_add_column
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views ADD COLUMN referrer text;

-- case: history_page_views_set_not_null
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    referrer text,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views ALTER COLUMN referrer SET NOT NULL;

-- case: history_page_views_create_index_on_parent
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX page_views_path_idx ON page_views (path);

-- case: history_page_views_drop_index_on_parent
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX page_views_viewed_at_idx ON page_views (viewed_at);
DROP INDEX page_views_viewed_at_idx;

-- case: history_page_views_drop_partitioned_table
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
DROP TABLE page_views;

-- case: history_page_views_add_foreign_key_on_parent
CREATE TABLE page_views (
    id bigint NOT NULL,
    user_id bigint,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views ADD CONSTRAINT page_views_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- case: history_drop_trigger
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION noop_trigger();
DROP TRIGGER products_touch ON products;

-- case: history_disable_trigger
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION noop_trigger();
ALTER TABLE products DISABLE TRIGGER products_touch;

-- case: history_rename_trigger
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION noop_trigger();
ALTER TRIGGER products_touch ON products RENAME TO products_touch_updated;

-- case: history_drop_trigger_function_cascade
CREATE FUNCTION stamp_shipped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;
CREATE TABLE shipments (id bigserial PRIMARY KEY, shipped_at timestamptz);
CREATE TRIGGER shipments_stamp BEFORE INSERT ON shipments FOR EACH ROW EXECUTE FUNCTION stamp_shipped();
DROP FUNCTION stamp_shipped() CASCADE;

-- case: history_drop_rule
CREATE RULE settings_keep AS ON DELETE TO settings DO INSTEAD NOTHING;
DROP RULE settings_keep ON settings;

-- case: history_rule_writing_elsewhere_then_delete
CREATE RULE settings_audit AS ON DELETE TO settings
    DO ALSO INSERT INTO audit_log (table_name, action) VALUES ('settings', 'delete');
DELETE FROM settings WHERE key = 'theme';

-- case: history_rule_renamed_then_update
CREATE RULE settings_audit AS ON UPDATE TO settings
    DO ALSO INSERT INTO audit_log (table_name, action) VALUES ('settings', 'update');
ALTER RULE settings_audit ON settings RENAME TO settings_log_updates;
UPDATE settings SET value = 'dark' WHERE key = 'theme';

-- case: history_rule_dropped_then_update
CREATE RULE settings_audit AS ON UPDATE TO settings
    DO ALSO INSERT INTO audit_log (table_name, action) VALUES ('settings', 'update');
DROP RULE settings_audit ON settings;
UPDATE settings SET value = 'dark' WHERE key = 'theme';

-- case: history_rule_on_insert_not_fired_by_delete
CREATE RULE settings_audit AS ON INSERT TO settings
    DO ALSO INSERT INTO audit_log (table_name, action) VALUES ('settings', 'insert');
DELETE FROM settings WHERE key = 'theme';

-- case: history_rule_instead_writes_other_table
CREATE TABLE settings_history (key text NOT NULL, value text, changed_at timestamptz NOT NULL DEFAULT now());
CREATE RULE settings_keep_history AS ON UPDATE TO settings
    DO INSTEAD INSERT INTO settings_history (key, value) VALUES (NEW.key, NEW.value);
UPDATE settings SET value = 'dark' WHERE key = 'theme';

-- case: history_alter_referencing_column_type
CREATE TABLE coupons (code varchar(20) PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code varchar(20) NOT NULL REFERENCES coupons (code)
);
ALTER TABLE coupon_redemptions ALTER COLUMN coupon_code TYPE varchar(40);

-- case: history_alter_type_of_column_other_than_key
CREATE TABLE coupons (code varchar(20) PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (
    id bigserial PRIMARY KEY,
    coupon_code varchar(20) NOT NULL REFERENCES coupons (code)
);
ALTER TABLE coupons ALTER COLUMN percent_off TYPE bigint;

-- case: history_drop_column_used_by_join_view_cascade
CREATE VIEW order_emails AS SELECT o.id, o.amount, u.email FROM orders o JOIN users u ON u.id = o.user_id;
ALTER TABLE users DROP COLUMN email CASCADE;

-- case: history_drop_column_not_used_by_view_cascade
CREATE VIEW user_nicknames AS SELECT id, nickname FROM users;
ALTER TABLE users DROP COLUMN bio CASCADE;

-- case: history_drop_column_under_star_view_and_its_view
CREATE VIEW users_all AS SELECT * FROM users;
CREATE VIEW users_named AS SELECT id, name FROM users_all;
ALTER TABLE users DROP COLUMN bio CASCADE;

-- case: history_drop_column_of_materialized_view_source
CREATE MATERIALIZED VIEW user_ages AS SELECT id, age FROM users WHERE age IS NOT NULL;
ALTER TABLE users DROP COLUMN age CASCADE;

-- case: history_page_views_drop_partition_with_default
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_default PARTITION OF page_views DEFAULT;
DROP TABLE page_views_2024;

-- case: history_page_views_truncate
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
TRUNCATE page_views;

-- case: history_page_views_add_check
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views ADD CONSTRAINT page_views_path_not_empty CHECK (path <> '');

-- case: history_page_views_drop_foreign_key_on_parent
CREATE TABLE page_views (
    id bigint NOT NULL,
    user_id bigint REFERENCES users (id),
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views DROP CONSTRAINT page_views_user_id_fkey;

-- case: history_page_views_rename_parent_index
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX page_views_viewed_at_idx ON page_views (viewed_at);
ALTER INDEX page_views_viewed_at_idx RENAME TO page_views_time_idx;

-- case: history_page_views_analyze
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ANALYZE page_views;

-- case: history_page_views_lock_table
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
LOCK TABLE page_views IN SHARE MODE;

-- case: history_page_views_select_through_view
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE VIEW popular_paths AS SELECT path, count(*) AS views FROM page_views GROUP BY path;
INSERT INTO audit_log (table_name, action) SELECT 'page_views', path FROM popular_paths;

-- case: history_lock_view_made_earlier
CREATE VIEW paid_orders AS SELECT o.id, o.amount, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.status = 'paid';
LOCK TABLE paid_orders IN ACCESS EXCLUSIVE MODE;

-- case: history_refresh_matview_over_view
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
CREATE MATERIALIZED VIEW paid_totals AS SELECT user_id, sum(amount) AS total FROM paid_orders GROUP BY user_id;
REFRESH MATERIALIZED VIEW paid_totals;

-- case: history_inheritance_child_add_column
CREATE TABLE documents (id bigserial PRIMARY KEY, title text NOT NULL);
CREATE TABLE invoices_documents (amount numeric(10,2)) INHERITS (documents);
CREATE TABLE contracts_documents (signed_at timestamptz) INHERITS (documents);
ALTER TABLE documents ADD COLUMN archived boolean;

-- case: history_rename_referenced_table
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (id bigserial PRIMARY KEY, coupon_code text NOT NULL REFERENCES coupons (code));
ALTER TABLE coupons RENAME TO discount_codes;

-- case: history_delete_from_renamed_referenced_table
CREATE TABLE coupons (code text PRIMARY KEY, percent_off integer NOT NULL);
CREATE TABLE coupon_redemptions (id bigserial PRIMARY KEY, coupon_code text NOT NULL REFERENCES coupons (code) ON DELETE CASCADE);
INSERT INTO coupons VALUES ('SPRING', 15);
ALTER TABLE coupons RENAME TO discount_codes;
DELETE FROM discount_codes WHERE code = 'SPRING';

-- case: history_drop_table_serial_sequence
CREATE TABLE shipments (id bigserial PRIMARY KEY, carrier text NOT NULL);
DROP TABLE shipments;

-- case: history_domain_drop_not_null
CREATE DOMAIN postal_code AS text NOT NULL;
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
ALTER DOMAIN postal_code DROP NOT NULL;

-- case: history_domain_drop_constraint
CREATE DOMAIN postal_code AS text CONSTRAINT postal_code_length CHECK (length(VALUE) <= 10);
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
ALTER DOMAIN postal_code DROP CONSTRAINT postal_code_length;

-- case: history_domain_validate_constraint
CREATE DOMAIN postal_code AS text;
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
ALTER DOMAIN postal_code ADD CONSTRAINT postal_code_length CHECK (length(VALUE) <= 10) NOT VALID;
ALTER DOMAIN postal_code VALIDATE CONSTRAINT postal_code_length;

-- case: history_add_column_of_constrained_domain
CREATE DOMAIN postal_code AS text CHECK (length(VALUE) <= 10);
ALTER TABLE users ADD COLUMN zip postal_code;

-- case: history_enum_rename_type
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE TABLE shipments (id bigserial PRIMARY KEY, speed shipping_speed NOT NULL DEFAULT 'standard');
ALTER TYPE shipping_speed RENAME TO delivery_speed;

-- case: history_alter_indexed_column_type
CREATE INDEX users_lower_nickname_idx ON users (lower(nickname));
ALTER TABLE users ALTER COLUMN nickname TYPE varchar(80);

-- case: history_cluster_on_earlier_index
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
CLUSTER orders USING orders_status_placed_at_idx;

-- case: history_enable_all_triggers
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION noop_trigger();
ALTER TABLE products DISABLE TRIGGER ALL;

-- case: history_drop_table_with_trigger_on_other_function
CREATE TABLE shipments (id bigserial PRIMARY KEY, carrier text NOT NULL);
CREATE TRIGGER shipments_touch BEFORE UPDATE ON shipments FOR EACH ROW EXECUTE FUNCTION noop_trigger();
DROP TABLE shipments;

-- case: history_set_schema_with_earlier_index
CREATE TABLE shipments (id bigserial PRIMARY KEY, carrier text NOT NULL);
CREATE INDEX shipments_carrier_idx ON shipments (carrier);
ALTER TABLE shipments SET SCHEMA billing;

-- case: history_self_referencing_delete
CREATE TABLE categories (id bigserial PRIMARY KEY, parent_id bigint REFERENCES categories (id) ON DELETE CASCADE, name text NOT NULL);
INSERT INTO categories (name) VALUES ('root');
DELETE FROM categories WHERE name = 'root';

-- case: history_page_views_attach_with_foreign_key
CREATE TABLE page_views (
    id bigint NOT NULL,
    user_id bigint REFERENCES users (id),
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 (id bigint NOT NULL, user_id bigint, viewed_at timestamptz NOT NULL);
ALTER TABLE page_views ATTACH PARTITION page_views_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: history_page_views_detach_with_foreign_key
CREATE TABLE page_views (
    id bigint NOT NULL,
    user_id bigint REFERENCES users (id),
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views DETACH PARTITION page_views_2024;

-- case: history_referenced_partitioned_table_attach
CREATE TABLE tenants (id bigint NOT NULL, region text NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE tenants_eu PARTITION OF tenants FOR VALUES IN ('eu');
CREATE TABLE tenant_invoices (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, region text NOT NULL,
    FOREIGN KEY (tenant_id, region) REFERENCES tenants (id, region));
CREATE TABLE tenants_us (id bigint NOT NULL, region text NOT NULL, PRIMARY KEY (id, region));
ALTER TABLE tenants ATTACH PARTITION tenants_us FOR VALUES IN ('us');

-- case: history_page_views_index_on_parent_adopts_partition_index
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX page_views_2024_path_idx ON page_views_2024 (path);
CREATE INDEX page_views_path_idx ON page_views (path);

-- case: history_page_views_attach_with_matching_index
CREATE TABLE page_views (
    id bigint NOT NULL,
    path text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX page_views_path_idx ON page_views (path);
CREATE TABLE page_views_2025 (id bigint NOT NULL, path text NOT NULL, viewed_at timestamptz NOT NULL);
CREATE INDEX page_views_2025_path_idx ON page_views_2025 (path);
ALTER TABLE page_views ATTACH PARTITION page_views_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: history_subpartitioned_add_column
CREATE TABLE page_views (
    id bigint NOT NULL,
    region text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE page_views_2024_eu PARTITION OF page_views_2024 FOR VALUES IN ('eu');
CREATE TABLE page_views_2024_us PARTITION OF page_views_2024 FOR VALUES IN ('us');
ALTER TABLE page_views ADD COLUMN referrer text;

-- case: history_subpartitioned_attach_into_middle
CREATE TABLE page_views (
    id bigint NOT NULL,
    region text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE page_views_2024_eu PARTITION OF page_views_2024 FOR VALUES IN ('eu');
CREATE TABLE page_views_2024_us (id bigint NOT NULL, region text NOT NULL, viewed_at timestamptz NOT NULL);
ALTER TABLE page_views_2024 ATTACH PARTITION page_views_2024_us FOR VALUES IN ('us');

-- case: history_statement_trigger_on_truncate
CREATE TRIGGER settings_truncate_guard BEFORE TRUNCATE ON settings FOR EACH STATEMENT EXECUTE FUNCTION noop_trigger();
TRUNCATE settings;

-- case: history_page_views_detach_concurrently_with_foreign_key
-- hold: page_views, page_views_2024, users
CREATE TABLE page_views (
    id bigint NOT NULL,
    user_id bigint REFERENCES users (id),
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE page_views DETACH PARTITION page_views_2024 CONCURRENTLY;

-- case: history_page_views_create_partition_with_foreign_key
CREATE TABLE page_views (
    id bigint NOT NULL,
    user_id bigint REFERENCES users (id),
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_views_2025 PARTITION OF page_views FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: history_referenced_partitioned_table_create_partition
CREATE TABLE tenants (id bigint NOT NULL, region text NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE tenants_eu PARTITION OF tenants FOR VALUES IN ('eu');
CREATE TABLE tenant_invoices (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, region text NOT NULL,
    FOREIGN KEY (tenant_id, region) REFERENCES tenants (id, region));
CREATE TABLE tenants_us PARTITION OF tenants FOR VALUES IN ('us');

-- case: history_referenced_partitioned_table_detach
CREATE TABLE tenants (id bigint NOT NULL, region text NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE tenants_eu PARTITION OF tenants FOR VALUES IN ('eu');
CREATE TABLE tenants_us PARTITION OF tenants FOR VALUES IN ('us');
CREATE TABLE tenant_invoices (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL, region text NOT NULL,
    FOREIGN KEY (tenant_id, region) REFERENCES tenants (id, region));
ALTER TABLE tenants DETACH PARTITION tenants_us;

-- case: history_subpartitioned_create_partition_in_middle
CREATE TABLE page_views (
    id bigint NOT NULL,
    region text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE page_views_2024_eu PARTITION OF page_views_2024 FOR VALUES IN ('eu');
CREATE TABLE page_views_2024_us PARTITION OF page_views_2024 FOR VALUES IN ('us');

-- case: history_subpartitioned_detach_from_middle
CREATE TABLE page_views (
    id bigint NOT NULL,
    region text NOT NULL,
    viewed_at timestamptz NOT NULL
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE page_views_2024_eu PARTITION OF page_views_2024 FOR VALUES IN ('eu');
CREATE TABLE page_views_2024_us PARTITION OF page_views_2024 FOR VALUES IN ('us');
ALTER TABLE page_views_2024 DETACH PARTITION page_views_2024_us;

-- case: history_drop_function_after_its_trigger_was_dropped
CREATE FUNCTION stamp_shipped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;
CREATE TABLE shipments (id bigserial PRIMARY KEY, shipped_at timestamptz);
CREATE TRIGGER shipments_stamp BEFORE INSERT ON shipments FOR EACH ROW EXECUTE FUNCTION stamp_shipped();
DROP TRIGGER shipments_stamp ON shipments;
DROP FUNCTION stamp_shipped() CASCADE;

-- case: history_drop_renamed_index
CREATE INDEX orders_status_placed_at_idx ON orders (status, placed_at);
ALTER INDEX orders_status_placed_at_idx RENAME TO orders_status_idx;
DROP INDEX orders_status_idx;

-- case: history_drop_renamed_foreign_key
CREATE TABLE shipments (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id));
ALTER TABLE shipments RENAME CONSTRAINT shipments_order_id_fkey TO shipments_order_fk;
ALTER TABLE shipments DROP CONSTRAINT shipments_order_fk;

-- case: history_drop_table_after_its_foreign_key_was_dropped
CREATE TABLE shipments (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id));
ALTER TABLE shipments DROP CONSTRAINT shipments_order_id_fkey;
DROP TABLE shipments;

-- case: history_drop_table_renamed_earlier_with_foreign_key
CREATE TABLE shipments (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id));
ALTER TABLE shipments RENAME TO deliveries;
DROP TABLE deliveries;

-- case: history_drop_domain_cascade_used_by_view
CREATE DOMAIN postal_code AS text;
CREATE TABLE addresses (id bigserial PRIMARY KEY, zip postal_code);
CREATE VIEW address_zips AS SELECT id, zip FROM addresses;
DROP DOMAIN postal_code CASCADE;

-- case: history_enum_on_partitioned_table_drop_cascade
CREATE TYPE view_source AS ENUM ('web', 'app');
CREATE TABLE page_views (id bigint NOT NULL, source view_source, viewed_at timestamptz NOT NULL) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2024 PARTITION OF page_views FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
DROP TYPE view_source CASCADE;

-- case: history_drop_view_renamed_earlier
CREATE VIEW paid_orders AS SELECT id, user_id, amount FROM orders WHERE status = 'paid';
ALTER VIEW paid_orders RENAME TO settled_orders;
DROP VIEW settled_orders;

-- case: history_drop_column_renamed_earlier_under_view
CREATE VIEW user_nicknames AS SELECT id, nickname FROM users;
ALTER TABLE users RENAME COLUMN nickname TO handle;
ALTER TABLE users DROP COLUMN handle CASCADE;

-- case: history_insert_fires_trigger_that_reads_another_table
-- crates.io's reserved names: a BEFORE INSERT trigger whose IF reads another table takes its
-- ACCESS SHARE lock for each row the INSERT writes.
CREATE TABLE reserved_names (name text PRIMARY KEY);
CREATE FUNCTION ensure_name_not_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF lower(NEW.name) IN (SELECT lower(title) FROM products) THEN
        RAISE EXCEPTION 'a product has the name %', NEW.name;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER reserved_names_not_in_use BEFORE INSERT OR UPDATE ON reserved_names
    FOR EACH ROW EXECUTE PROCEDURE ensure_name_not_in_use();
INSERT INTO reserved_names (name) VALUES ('com0'), ('lpt0') ON CONFLICT DO NOTHING;
