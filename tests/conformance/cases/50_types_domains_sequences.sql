-- Enum types, composite types, domains, sequences.

-- case: enum_add_value
ALTER TYPE order_status ADD VALUE 'refunded';

-- case: enum_add_value_before
ALTER TYPE order_status ADD VALUE 'draft' BEFORE 'pending';

-- case: enum_add_value_if_not_exists
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'paid';

-- case: enum_rename_value
ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled';

-- case: create_enum
CREATE TYPE priority AS ENUM ('low', 'high');

-- case: rename_type
ALTER TYPE order_status RENAME TO order_state;

-- case: type_owner
ALTER TYPE order_status OWNER TO app_owner;

-- case: create_composite_type
CREATE TYPE money_amount AS (value numeric, currency char(3));

-- case: composite_type_add_attribute
CREATE TYPE money_amount AS (value numeric, currency char(3));
ALTER TYPE money_amount ADD ATTRIBUTE note text;

-- case: create_domain
CREATE DOMAIN percentage AS numeric CHECK (VALUE BETWEEN 0 AND 100);

-- case: domain_add_constraint
ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0);

-- case: domain_add_constraint_not_valid
ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID;

-- case: domain_validate_constraint
ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0) NOT VALID;
ALTER DOMAIN quantity VALIDATE CONSTRAINT quantity_positive;

-- case: domain_add_constraint_used_by_two_tables
ALTER TABLE products ADD COLUMN reorder_at quantity;
ALTER DOMAIN quantity ADD CONSTRAINT quantity_small CHECK (VALUE < 1000000);

-- case: domain_set_not_null
ALTER DOMAIN quantity SET NOT NULL;

-- case: domain_drop_not_null
ALTER DOMAIN quantity DROP NOT NULL;

-- case: domain_set_default
ALTER DOMAIN quantity SET DEFAULT 1;

-- case: domain_drop_constraint
ALTER DOMAIN email_address DROP CONSTRAINT email_address_check;

-- case: domain_add_constraint_on_text_domain
ALTER DOMAIN email_address ADD CONSTRAINT email_address_length CHECK (length(VALUE) < 300);

-- case: domain_rename
ALTER DOMAIN quantity RENAME TO item_quantity;

-- case: drop_domain_cascade
DROP DOMAIN quantity CASCADE;

-- case: drop_type_cascade
DROP TYPE order_status CASCADE;

-- case: drop_enum_unused
CREATE TYPE priority AS ENUM ('low', 'high');
DROP TYPE priority;

-- case: create_sequence
CREATE SEQUENCE ticket_seq;

-- case: create_sequence_owned_by
CREATE SEQUENCE measurement_seq OWNED BY measurements.id;

-- case: alter_sequence_restart
ALTER SEQUENCE invoice_number_seq RESTART WITH 5000;

-- case: alter_sequence_increment
ALTER SEQUENCE invoice_number_seq INCREMENT BY 10;

-- case: alter_sequence_owned_by
ALTER SEQUENCE invoice_number_seq OWNED BY measurements.id;

-- case: alter_sequence_as_bigint
ALTER SEQUENCE products_id_seq AS bigint;

-- case: rename_sequence
ALTER SEQUENCE invoice_number_seq RENAME TO invoice_no_seq;

-- case: alter_sequence_owner
ALTER SEQUENCE invoice_number_seq OWNER TO app_owner;

-- case: drop_sequence_cascade
DROP SEQUENCE invoice_number_seq CASCADE;

-- case: drop_sequence_unused
CREATE SEQUENCE ticket_seq;
DROP SEQUENCE ticket_seq;
