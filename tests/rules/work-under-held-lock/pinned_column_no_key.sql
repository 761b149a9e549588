-- pgfence-test: schema=policies.schema path=db/migration/V6.0_2015.03.07__DS-2701_Hibernate_migration.sql
-- DSpace's DS-2701 (Flyway: the file is one transaction). The ADD COLUMN keeps ACCESS EXCLUSIVE
-- on resourcepolicy; the UPDATE's `resource_type_id = 2` is served by an index, but the column is
-- a type code, no key: it may write most rows of resourcepolicy while every query on it waits.
SET lock_timeout = '2s';
ALTER TABLE resourcepolicy ADD COLUMN dspace_object_id uuid;
UPDATE resourcepolicy SET dspace_object_id = (SELECT item.uuid FROM item WHERE resourcepolicy.resource_id = item.item_id)
WHERE resourcepolicy.resource_type_id = 2;
