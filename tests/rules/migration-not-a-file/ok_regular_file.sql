-- pgfence-test: path=migrations/0002_cleanup.sql
-- A regular file with SQL in it: not this rule's business.
DROP TABLE IF EXISTS old_users;
