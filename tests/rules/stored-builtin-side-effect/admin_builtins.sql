-- pgfence-test: schema=shop.schema
-- PostgreSQL 15's administration functions that act beyond their result (functions-admin), kept
-- in CHECKs every insert of the application runs (red team I1: these were clean).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE orders ADD CONSTRAINT c1 CHECK (pg_logical_slot_get_changes('audit', NULL, NULL) IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c2 CHECK (pg_replication_slot_advance('audit', '0/0') IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c3 CHECK (pg_drop_replication_slot('audit') IS NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c4 CHECK (pg_create_logical_replication_slot('s' || id, 'test_decoding') IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c5 CHECK (pg_rotate_logfile()) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c6 CHECK (pg_switch_wal() IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c7 CHECK (pg_promote(false)) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c8 CHECK (pg_stat_reset() IS NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c9 CHECK (dblink_exec('dbname=app', 'DELETE FROM users') IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c10 CHECK (pg_replication_origin_drop('sub') IS NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c11 CHECK (pg_reload_conf()) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT c12 CHECK (lo_unlink(user_id::oid) = 1) NOT VALID;
