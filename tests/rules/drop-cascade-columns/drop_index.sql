-- pgfence-test: schema=fk.schema
SET lock_timeout = '2s';
-- The unique index behind coupons.code: redemptions' foreign key depends on it (an index that
-- backs a constraint cannot be dropped this way; its constraint is: see foreign_keys.sql).
DROP INDEX coupons_code_idx CASCADE;
-- An index pgfence does not know.
DROP INDEX payments_ref_key CASCADE;
