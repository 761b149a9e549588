-- pgfence-test: schema=shop.schema
-- The same swap where the new table takes every write the old one took: the drop loses only
-- what the copy missed (MEDIUM here, copy-and-swap-loses-writes HIGH).
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE stats_new (user_id bigint PRIMARY KEY, n bigint, refreshed_at timestamptz DEFAULT now());
INSERT INTO stats_new (user_id, n) SELECT user_id, n FROM stats;
DROP TABLE stats;
ALTER TABLE stats_new RENAME TO stats;
COMMIT;
