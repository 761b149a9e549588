-- pgfence-test: schema=policies.schema
-- Constant equalities on keys pick few rows: the primary key, a unique index's column, alone or
-- with a type code beside them (a foreign key's column is none: pinned_foreign_key_of_item).
SET lock_timeout = '2s';
UPDATE resourcepolicy SET action_id = 1 WHERE policy_id = 7;
UPDATE resourcepolicy SET action_id = 1 WHERE handle = '123456789/1' AND resource_type_id = 2;
DELETE FROM resourcepolicy WHERE policy_id IN (1, 2, 3);
