-- The admin dashboard's view selects every column of customers.
SET lock_timeout = '2s';
CREATE VIEW active_customers AS SELECT * FROM customers WHERE deleted_at IS NULL;
ALTER TABLE customers DROP COLUMN legacy_crm_id;
