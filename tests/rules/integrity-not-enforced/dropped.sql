-- pgfence-test: schema=shop.schema
-- Keys, foreign keys, checks and unique indexes dropped for good (red team E: DROPPK, DROPFK).
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT orders_pkey;
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check;
ALTER TABLE accounts DROP CONSTRAINT accounts_owner_fkey;
ALTER TABLE accounts DROP CONSTRAINT accounts_rules;
DROP INDEX CONCURRENTLY users_name_key;
ALTER DOMAIN posint DROP CONSTRAINT posint_check;
