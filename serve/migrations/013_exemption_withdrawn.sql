-- Red team r84 #7: an exemption can be withdrawn (its granting comment edited or deleted, or
-- `/pgfence revoke` by its owner). One table, one ALTER changing only the catalog.
SET lock_timeout = '5s';

ALTER TABLE pgfence_exemptions ADD COLUMN withdrawn_at timestamptz;
