-- pgfence-test: schema=policies.schema
-- DSpace's DS-2701: `resource_type_id = 2` is a constant equality an index serves, but the column
-- is a type code, no key: the rows it picks may be most of the table (every item's policies).
-- The UPDATE is a backfill (MEDIUM), the DELETE may empty most of the table (HIGH).
SET lock_timeout = '2s';
UPDATE resourcepolicy SET dspace_object = (SELECT item.uuid FROM item WHERE resourcepolicy.resource_id = item.item_id)
WHERE resourcepolicy.resource_type_id = 2;
DELETE FROM resourcepolicy WHERE resource_type_id = 2 AND action_id IN (3, 4);
