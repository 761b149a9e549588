-- pgfence-test: schema=../drop-table/shop.schema
-- Two SET NOT NULLs in one ALTER TABLE: PostgreSQL checks both in one scan of the table, so
-- one finding names both (teable's update_collaborator).
SET lock_timeout = '2s';
ALTER TABLE orders
    ALTER COLUMN user_id SET NOT NULL,
    ALTER COLUMN total SET NOT NULL;
