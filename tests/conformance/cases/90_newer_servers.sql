-- What PostgreSQL 16 to 18 changed (https://www.postgresql.org/docs/release/17.0/, 18.0/):
-- syntax older servers reject, so each case names the version it needs and is skipped on an
-- older server. The facts are the analyzer's for the server's version (tests/unit/pg16_to_18_test.cpp).
-- DETACH PARTITION ... FINALIZE is left out: it needs a concurrent detach interrupted halfway.

-- case: newer_add_not_null_not_valid
-- needs: 18
ALTER TABLE orders ADD CONSTRAINT orders_note_not_null NOT NULL note NOT VALID;

-- case: newer_validate_not_null
-- needs: 18
ALTER TABLE orders ADD CONSTRAINT orders_note_not_null NOT NULL note NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_note_not_null;

-- case: newer_add_column_virtual_generated
-- needs: 18
ALTER TABLE measurements ADD COLUMN doubled_count integer GENERATED ALWAYS AS (small_count * 2) VIRTUAL;

-- case: newer_set_expression_stored
-- needs: 17
ALTER TABLE measurements ADD COLUMN scaled_count bigint GENERATED ALWAYS AS (big_count * 2) STORED;
ALTER TABLE measurements ALTER COLUMN scaled_count SET EXPRESSION AS (big_count * 3);

-- case: newer_foreign_key_not_enforced
-- needs: 18
ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey NOT ENFORCED;

-- case: newer_foreign_key_enforced
-- needs: 18
ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey NOT ENFORCED;
ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey ENFORCED;
