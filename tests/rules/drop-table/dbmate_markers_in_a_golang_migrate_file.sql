-- pgfence-test: path=migrations/0007_cleanup.up.sql
-- golang-migrate sends the whole .up.sql file in one Exec: dbmate's markers mark nothing to it
-- (red team G1, GMUPDBMATE).
-- migrate:up
SET lock_timeout = '2s';
SELECT 1;
-- migrate:down
DROP TABLE users;
