-- pgfence-test: schema=policies.schema path=db/migration/V6.0_2015.03.07__DS-2701_Hibernate_migration.sql
-- As pinned_column_no_key, but the UPDATE picks its row by the primary key: quick under the lock.
SET lock_timeout = '2s';
ALTER TABLE resourcepolicy ADD COLUMN dspace_object_id uuid;
UPDATE resourcepolicy SET dspace_object_id = (SELECT item.uuid FROM item WHERE resourcepolicy.resource_id = item.item_id)
WHERE resourcepolicy.policy_id = 2;
