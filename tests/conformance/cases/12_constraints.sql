-- Constraints: CHECK, FOREIGN KEY, UNIQUE, PRIMARY KEY, EXCLUDE; NOT VALID and VALIDATE.

-- case: add_check
ALTER TABLE orders ADD CONSTRAINT orders_amount_limit CHECK (amount < 100000);

-- case: add_check_not_valid
ALTER TABLE orders ADD CONSTRAINT orders_amount_limit CHECK (amount < 100000) NOT VALID;

-- case: add_check_partitioned
ALTER TABLE events ADD CONSTRAINT events_kind_not_empty CHECK (kind <> '');

-- case: add_check_not_null_style
ALTER TABLE users ADD CONSTRAINT users_nickname_not_null CHECK (nickname IS NOT NULL);

-- case: validate_check
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;

-- case: validate_check_added_in_migration
ALTER TABLE products ADD CONSTRAINT products_stock_positive CHECK (stock >= 0) NOT VALID;
ALTER TABLE products VALIDATE CONSTRAINT products_stock_positive;

-- case: add_foreign_key
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fk2 FOREIGN KEY (product_id) REFERENCES products (id);

-- case: add_foreign_key_not_valid
ALTER TABLE order_items ADD CONSTRAINT order_items_product_fk2 FOREIGN KEY (product_id) REFERENCES products (id) NOT VALID;

-- case: add_foreign_key_to_partition_parent_column
ALTER TABLE billing.invoices ADD CONSTRAINT invoices_order_fk2 FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;

-- case: validate_foreign_key
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_product_fk;

-- case: validate_foreign_key_added_in_migration
ALTER TABLE billing.invoices ADD CONSTRAINT invoices_order_fk2 FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
ALTER TABLE billing.invoices VALIDATE CONSTRAINT invoices_order_fk2;

-- case: add_unique
ALTER TABLE measurements ADD CONSTRAINT measurements_label_key UNIQUE (label);

-- case: add_primary_key
ALTER TABLE boats ADD PRIMARY KEY (id);

-- case: add_primary_key_nullable_column
ALTER TABLE boats ADD CONSTRAINT boats_pkey PRIMARY KEY (wheels, id, name);

-- case: add_unique_using_index
CREATE UNIQUE INDEX measurements_label_idx ON measurements (label);
ALTER TABLE measurements ADD CONSTRAINT measurements_label_key UNIQUE USING INDEX measurements_label_idx;

-- case: add_primary_key_using_index
CREATE UNIQUE INDEX boats_id_idx ON boats (id);
ALTER TABLE boats ADD CONSTRAINT boats_pkey PRIMARY KEY USING INDEX boats_id_idx;

-- case: add_exclusion
ALTER TABLE reservations ADD CONSTRAINT reservations_no_overlap EXCLUDE USING gist (during WITH &&);

-- case: drop_check_constraint
ALTER TABLE orders DROP CONSTRAINT orders_amount_positive;

-- case: drop_foreign_key
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;

-- case: drop_foreign_key_not_valid
ALTER TABLE order_items DROP CONSTRAINT order_items_product_fk;

-- case: drop_primary_key_cascade
ALTER TABLE products DROP CONSTRAINT products_pkey CASCADE;

-- case: drop_constraint_if_exists_missing
ALTER TABLE orders DROP CONSTRAINT IF EXISTS no_such_constraint;

-- case: rename_constraint
ALTER TABLE orders RENAME CONSTRAINT orders_amount_positive TO orders_amount_non_negative;

-- case: rename_index_backed_constraint
ALTER TABLE settings RENAME CONSTRAINT settings_pkey TO settings_key_pkey;

-- case: alter_constraint_deferrable
ALTER TABLE order_items ALTER CONSTRAINT order_items_order_id_fkey DEFERRABLE INITIALLY DEFERRED;

-- case: drop_unique_constraint_cascade_not_the_referenced_key
-- flipt's DROP CONSTRAINT IF EXISTS ... CASCADE: a foreign key depends on the unique index of the
-- columns it references (here the primary key), not on any other unique constraint of the table.
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
ALTER TABLE products DROP CONSTRAINT IF EXISTS products_sku_key CASCADE;
