-- pgfence-test: schema=tenant.schema
-- hatchet's v0_34_2 (Atlas writes each table's change as one ALTER TABLE): two keys validated by
-- one statement, each in a scan of Tenant of its own but under the one ACCESS EXCLUSIVE lock, with
-- the one fix: one finding naming both, whose edit makes both NOT VALID (two HIGH lines before).
SET lock_timeout = '2s';
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_controllerPartitionId_fkey" FOREIGN KEY ("controllerPartitionId") REFERENCES "ControllerPartition" ("id") ON UPDATE SET NULL ON DELETE SET NULL, ADD CONSTRAINT "Tenant_workerPartitionId_fkey" FOREIGN KEY ("workerPartitionId") REFERENCES "TenantWorkerPartition" ("id") ON UPDATE SET NULL ON DELETE SET NULL;
