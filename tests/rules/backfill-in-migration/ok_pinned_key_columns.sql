-- pgfence-test: schema=policies.schema
-- Constant equalities on keys pick few rows: the primary key, a unique index's column, a foreign
-- key's column (one parent's rows), alone or with a type code beside them.
SET lock_timeout = '2s';
UPDATE resourcepolicy SET action_id = 1 WHERE policy_id = 7;
UPDATE resourcepolicy SET action_id = 1 WHERE handle = '123456789/1' AND resource_type_id = 2;
DELETE FROM resourcepolicy WHERE item_uuid = '00000000-0000-0000-0000-000000000001' AND resource_type_id = 2;
DELETE FROM resourcepolicy WHERE policy_id IN (1, 2, 3);
-- DSpace's V7.0 registry clean-up: the foreign key pinned to a scalar subquery (one parent).
DELETE FROM resourcepolicy WHERE item_uuid = (SELECT uuid FROM item WHERE item_id = 5) AND resource_type_id = 2;
