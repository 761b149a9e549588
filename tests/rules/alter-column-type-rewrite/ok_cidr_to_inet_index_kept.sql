-- pgfence-test: schema=hosts.schema
-- cidr to inet is binary-coercible and both use inet_ops: PostgreSQL 15 keeps the table and the
-- index's storage (relfilenode unchanged): catalog only.
SET lock_timeout = '2s';
ALTER TABLE hosts ALTER COLUMN addr TYPE inet;
