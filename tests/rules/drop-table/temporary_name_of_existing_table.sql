-- pgfence-test: schema=shop.schema
-- stats is a table of the schema: DROP TABLE IF EXISTS drops it (no temporary stats exists yet),
-- whatever the file creates under that name afterwards.
BEGIN;
SET lock_timeout = '2s';
DROP TABLE IF EXISTS stats;
CREATE TEMP TABLE stats AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;
COMMIT;
