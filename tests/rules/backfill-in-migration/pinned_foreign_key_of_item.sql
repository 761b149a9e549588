-- pgfence-test: schema=policies.schema
-- A foreign key's column is no key (red team R69 C10): item_uuid picks every policy of one item,
-- which pgfence cannot tell from every policy of a lookup row's. DSpace's V7.0 registry clean-up
-- pins it to a constant, then to a scalar subquery.
SET lock_timeout = '2s';
DELETE FROM resourcepolicy WHERE item_uuid = '00000000-0000-0000-0000-000000000001' AND resource_type_id = 2;
DELETE FROM resourcepolicy WHERE item_uuid = (SELECT uuid FROM item WHERE item_id = 5) AND resource_type_id = 2;
