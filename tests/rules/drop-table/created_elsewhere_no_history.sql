-- With no history, a table is the migration's own only where the name reaches what the CREATE
-- made: another schema, another search_path, or a CREATE in a branch or a block that catches its
-- failure may leave an earlier table of that name to be dropped.
SET lock_timeout = '2s';
CREATE TABLE staging.ledger (id int);
DROP TABLE ledger;
SET search_path = staging, public;
CREATE TABLE invoices (id int);
SET search_path = public;
DROP TABLE invoices;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_tables WHERE tablename = 'payments') THEN CREATE TABLE payments (id int); END IF; END $$;
DROP TABLE payments;
DO $$ BEGIN IF false THEN CREATE TABLE refunds (id int); END IF; END $$;
DROP TABLE refunds;
DO $$ BEGIN CREATE TABLE coupons (id int); EXCEPTION WHEN duplicate_table THEN NULL; END $$;
DROP TABLE coupons;
