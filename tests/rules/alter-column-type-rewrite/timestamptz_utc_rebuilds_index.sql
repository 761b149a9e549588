-- pgfence-test: schema=hosts.schema
-- timestamp to timestamptz under UTC keeps the rows, but timestamp_ops becomes timestamptz_ops:
-- PostgreSQL 15 builds hosts_last_seen_at_idx again (new relfilenode) under ACCESS EXCLUSIVE.
SET lock_timeout = '2s';
SET TimeZone = 'UTC';
ALTER TABLE hosts ALTER COLUMN last_seen_at TYPE timestamptz;
